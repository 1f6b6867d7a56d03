"""The fact tables and every question asked of them. Nothing here imports Discord."""
