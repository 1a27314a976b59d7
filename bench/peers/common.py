"""Shared helpers of the peer scripts: reading the project's JSONL."""
import json


def load(path):
    """Returns the classified strings (title + newline + text) and labels."""
    texts, labels = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            t = r.get("text") or ""
            if r.get("title"):
                t = r["title"] + "\n" + t
            texts.append(t)
            labels.append(r["label"])
    return texts, labels
