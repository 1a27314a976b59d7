#!/usr/bin/python3
"""Peer: jieba + scikit-learn TF-IDF (word 1-2 + char 1-3) + LinearSVC.

Usage: sklearn_svm.py TRAIN.jsonl TEST.jsonl
Prints one JSON object: accuracy, macro_f1, n, train_seconds, predict_seconds
and reports_per_second (end-to-end prediction, segmentation included).
"""
import json
import sys
import time

import jieba
from common import load
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

jieba.setLogLevel(60)


def words(text):
    return [w for w in jieba.lcut(text) if w.strip()]


def word_ngrams(text):
    ws = words(text)
    return ws + [a + " " + b for a, b in zip(ws, ws[1:])]


def main():
    train_x, train_y = load(sys.argv[1])
    test_x, test_y = load(sys.argv[2])
    jieba.initialize()
    t0 = time.perf_counter()
    union = FeatureUnion([
        ("word", TfidfVectorizer(analyzer=word_ngrams, sublinear_tf=True)),
        ("char", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)),
    ])
    clf = LinearSVC(C=1.0)
    clf.fit(union.fit_transform(train_x), train_y)
    train_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    pred = clf.predict(union.transform(test_x))
    pred_s = time.perf_counter() - t0
    print(json.dumps({
        "peer": "jieba+sklearn LinearSVC (word 1-2 + char 1-3 TF-IDF)",
        "n": len(test_y),
        "accuracy": accuracy_score(test_y, pred),
        "macro_f1": f1_score(test_y, pred, average="macro"),
        "train_seconds": train_s,
        "predict_seconds": pred_s,
        "reports_per_second": len(test_y) / pred_s,
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
