"""Prints every record of a Kafka topic as read by kafka-python, one JSON object per line.

Usage: python3 kafka_python_read_topic.py <bootstrap host:port> <topic>

Reads each partition from its beginning to the end offset it has when the script starts, without
a consumer group, and prints {"partition", "offset", "key", "headers", "value"} per record (key,
header values and value decoded as UTF-8; headers as an object, a repeated header keeps its last
value), then {"kafka_python": version, "records": count} last. Exits non-zero (message on stderr)
on any error, or when the topic does not exist.
"""
import json
import sys
import time

import kafka
from kafka import KafkaConsumer, TopicPartition

DEADLINE_S = 60


def text(raw):
    return None if raw is None else raw.decode("utf-8")


def main():
    bootstrap, topic = sys.argv[1], sys.argv[2]
    consumer = KafkaConsumer(
        bootstrap_servers=[bootstrap],
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        request_timeout_ms=30000,
    )
    try:
        partitions = consumer.partitions_for_topic(topic)
        if not partitions:
            print(f"topic {topic} does not exist", file=sys.stderr)
            return 2
        assigned = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(assigned)
        consumer.seek_to_beginning(*assigned)
        ends = consumer.end_offsets(assigned)
        count = 0
        deadline = time.monotonic() + DEADLINE_S
        while any(consumer.position(tp) < ends[tp] for tp in assigned):
            if time.monotonic() > deadline:
                print(f"did not reach the end of {topic} within {DEADLINE_S} s", file=sys.stderr)
                return 3
            for tp, records in consumer.poll(timeout_ms=500).items():
                for record in records:
                    if record.offset >= ends[tp]:
                        continue
                    headers = {name: text(value) for name, value in (record.headers or [])}
                    print(json.dumps({
                        "partition": record.partition,
                        "offset": record.offset,
                        "key": text(record.key),
                        "headers": headers,
                        "value": text(record.value),
                    }))
                    count += 1
        print(json.dumps({"kafka_python": kafka.__version__, "records": count}))
        return 0
    finally:
        consumer.close()


if __name__ == "__main__":
    sys.exit(main())
