"""Banks: the keyword library and the content, must-refuse and must-answer question banks."""
