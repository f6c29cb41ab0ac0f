"""Analysis: the rule set, blocks, headings and sentences, rule matches, decisions and report facts."""
