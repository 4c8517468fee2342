package dev.orca.trainer.source;

/** One example of a text proxy source: a sentence and its class. */
public record LabelledText(String text, int label) {}
