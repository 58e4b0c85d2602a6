"""pymongo checks against the dtq mongo emulator.

Usage: /usr/bin/python3 pymongo_check.py <mongodb-uri> <database-name>

Prints one JSON object {"ok": bool, "pymongo": version, "checks": {...}} and
exits non-zero when any check fails (or the script itself errors).
"""
import json
import sys
import traceback

import pymongo
from pymongo import ASCENDING, DESCENDING, MongoClient, monitoring
from pymongo.errors import DuplicateKeyError


class CommandCounter(monitoring.CommandListener):
    def __init__(self):
        self.counts = {}

    def started(self, event):
        self.counts[event.command_name] = self.counts.get(event.command_name, 0) + 1

    def succeeded(self, event):
        pass

    def failed(self, event):
        pass


def main():
    uri, db_name = sys.argv[1], sys.argv[2]
    counter = CommandCounter()
    client = MongoClient(
        uri,
        serverSelectionTimeoutMS=5000,
        connectTimeoutMS=5000,
        socketTimeoutMS=10000,
        event_listeners=[counter],
    )
    checks = {}

    def check(name, passed, detail=None):
        checks[name] = {"ok": bool(passed), "detail": detail}

    try:
        db = client[db_name]
        jobs = db.jobs

        result = jobs.insert_many(
            [{"job_id": "j%d" % i, "n": i, "kind": "even" if i % 2 == 0 else "odd"} for i in range(10)]
        )
        check("insert_many", len(result.inserted_ids) == 10, len(result.inserted_ids))

        counts = [
            jobs.count_documents({}),
            jobs.count_documents({"kind": "even"}),
            jobs.count_documents({"n": {"$gte": 7}}),
            jobs.count_documents({"kind": "odd", "n": {"$lt": 5}}),
        ]
        check("count_documents", counts == [10, 5, 3, 2], counts)

        top = [d["n"] for d in jobs.find({}, {"_id": 0, "n": 1}).sort("n", DESCENDING).limit(3)]
        check("sort_limit", top == [9, 8, 7], top)

        before = counter.counts.get("getMore", 0)
        paged = [d["n"] for d in jobs.find({}).sort("n", ASCENDING).batch_size(3)]
        get_mores = counter.counts.get("getMore", 0) - before
        check("batch_size_paging", paged == list(range(10)) and get_mores >= 2, {"docs": len(paged), "getMores": get_mores})

        jobs.create_index([("job_id", ASCENDING)], unique=True, name="job_id_unique")
        dup_code = None
        try:
            jobs.insert_one({"job_id": "j1"})
        except DuplicateKeyError as exc:
            dup_code = exc.code
        check("duplicate_key_error", dup_code == 11000, dup_code)

        info = jobs.index_information()
        unique_ix = info.get("job_id_unique", {})
        check(
            "index_information",
            "_id_" in info and unique_ix.get("unique") is True and unique_ix.get("key") == [("job_id", 1)],
            {k: {"key": v.get("key"), "unique": v.get("unique")} for k, v in info.items()},
        )

        results = db.results
        results.create_index("job_id", unique=True)
        upserts = [
            results.update_one({"job_id": "r1"}, {"$setOnInsert": {"status": "queued", "attempt": i}}, upsert=True)
            for i in range(3)
        ]
        docs = list(results.find({"job_id": "r1"}, {"_id": 0}))
        inserted = [u.upserted_id is not None for u in upserts]
        check(
            "upsert_set_on_insert",
            len(docs) == 1 and docs[0].get("attempt") == 0 and inserted == [True, False, False],
            {"docs": docs, "inserted": inserted},
        )

        big = 2 ** 40 + 1
        results.insert_one({"job_id": "big", "size": big})
        stored = results.find_one({"job_id": "big"})["size"]
        check("int64_roundtrip", stored == big and isinstance(stored, int), repr(stored))
    except Exception:  # report rather than crash, so the caller sees which step failed
        check("script", False, traceback.format_exc())
    finally:
        try:
            client.drop_database(db_name)
        finally:
            client.close()

    ok = bool(checks) and all(c["ok"] for c in checks.values())
    print(json.dumps({"ok": ok, "pymongo": pymongo.version, "checks": checks}, default=str))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
