"""Discord adapters: each cog turns interactions into core calls and results into embeds."""
