"""Pure text algorithms: segmentation, abbreviations, check-worthiness, anchoring,
agreement, layout and Markdown sanitising. Nothing here imports Django or the rest of
the app, so each module is tested with plain functions and reused anywhere."""
