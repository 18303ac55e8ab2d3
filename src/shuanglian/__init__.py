"""Shuanglian (双联): paired rural assistance programmes."""
