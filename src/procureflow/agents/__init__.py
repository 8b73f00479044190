"""Agents: specialised decision makers with typed input, typed output and a Decision record."""
