"""Drivers around scan_item: serial (tests, the HTTP hook), a process pool
(batch runs), Dask (clusters).  Each yields ItemResults in walk order."""
