"""The evaluation harness: a question table run against any model, scored question by question."""
