"""Infrastructure every package uses: errors, languages, findings, atomic writes, git, caches, templates."""
