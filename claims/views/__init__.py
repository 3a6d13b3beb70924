"""The desk's pages, by area (docs/architecture.md, "Where things are"). `claims/urls.py` is the one map
of URLs to these views; writes go through `claims/workflow.py`, reads through the querysets in
`claims/models.py`."""
