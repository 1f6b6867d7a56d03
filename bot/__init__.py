"""factquiz: a Discord bot answering and quizzing on two verified data stories."""

__version__ = "0.1.0"
