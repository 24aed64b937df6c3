"""Validators confirm or drop what the automaton found: jieba word
boundaries for short terms, checksums for personal data."""
