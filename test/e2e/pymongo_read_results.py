"""Prints every document of a dtq result collection as relaxed Extended JSON, read with pymongo.

Usage: /usr/bin/python3 pymongo_read_results.py <mongodb-uri> [database] [collection]

Output: one JSON object {"pymongo": version, "documents": [...], "indexes": {...}} on stdout:
documents in insertion order with `_id` as {"$oid": ...}; indexes as pymongo's
index_information() gives them (name -> {"key": [[field, direction], ...], "unique": ...}).
Exits non-zero (message on stderr) on any error.
"""
import sys

import pymongo
from bson import json_util
from pymongo import MongoClient


def main():
    uri = sys.argv[1]
    database = sys.argv[2] if len(sys.argv) > 2 else "dtq"
    collection = sys.argv[3] if len(sys.argv) > 3 else "job_results"
    client = MongoClient(uri, serverSelectionTimeoutMS=5000, connectTimeoutMS=5000, socketTimeoutMS=10000)
    try:
        results = client[database][collection]
        documents = list(results.find({}))
        indexes = results.index_information()
    finally:
        client.close()
    output = {"pymongo": pymongo.version, "documents": documents, "indexes": indexes}
    print(json_util.dumps(output, json_options=json_util.RELAXED_JSON_OPTIONS))
    return 0


if __name__ == "__main__":
    sys.exit(main())
