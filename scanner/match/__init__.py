"""Matching: one Aho-Corasick pass per part for every literal the engine needs
(mark anchors, marker words, lexicon terms), then grammar and validators only
where the automaton found something."""
