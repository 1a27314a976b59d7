#!/usr/bin/python3
"""Peer: jieba + scikit-learn TF-IDF (word 1-2 + char 1-3) + LinearSVC.

Usage: sklearn_svm.py TRAIN.jsonl TEST.jsonl
Prints one JSON object: accuracy, macro_f1, n, train_seconds, predict_seconds
and reports_per_second (end-to-end prediction, segmentation included). The
prediction is timed several times (at least MIN_REPEATS and MIN_SECONDS in
all), as one pass over a few hundred short texts lasts ~0.1 s and varies by 2x
on a busy machine: predict_seconds is the median pass, and
reports_per_second_min/_max give the slowest and fastest. The same texts are
also timed one per call, as a service classifies each request on its own:
one_per_call_reports_per_second is the median of ONE_PER_CALL_REPEATS passes.
"""
import json
import statistics
import sys
import time

import jieba
from common import load
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, f1_score
from sklearn.pipeline import FeatureUnion
from sklearn.svm import LinearSVC

jieba.setLogLevel(60)

MIN_REPEATS = 5
MIN_SECONDS = 2.0
ONE_PER_CALL_REPEATS = 3


def words(text):
    return [w for w in jieba.lcut(text) if w.strip()]


def word_ngrams(text):
    ws = words(text)
    return ws + [a + " " + b for a, b in zip(ws, ws[1:])]


def timed_passes(predict, min_repeats=MIN_REPEATS, min_seconds=MIN_SECONDS):
    """Runs predict at least min_repeats times and min_seconds in all;
    returns its first result and the seconds of every pass."""
    passes, result = [], None
    while len(passes) < min_repeats or sum(passes) < min_seconds:
        t0 = time.perf_counter()
        out = predict()
        passes.append(time.perf_counter() - t0)
        if result is None:
            result = out
    return result, passes


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
    pred, passes = timed_passes(lambda: clf.predict(union.transform(test_x)))
    pred_s = statistics.median(passes)
    _, single = timed_passes(lambda: [clf.predict(union.transform([t])) for t in test_x], ONE_PER_CALL_REPEATS, 0)
    print(json.dumps({
        "peer": "jieba+sklearn LinearSVC (word 1-2 + char 1-3 TF-IDF)",
        "n": len(test_y),
        "accuracy": accuracy_score(test_y, pred),
        "macro_f1": f1_score(test_y, pred, average="macro"),
        "train_seconds": train_s,
        "predict_seconds": pred_s,
        "reports_per_second": len(test_y) / pred_s,
        "reports_per_second_min": len(test_y) / max(passes),
        "reports_per_second_max": len(test_y) / min(passes),
        "passes": len(passes),
        "one_per_call_reports_per_second": len(test_y) / statistics.median(single),
    }, ensure_ascii=False))


if __name__ == "__main__":
    main()
