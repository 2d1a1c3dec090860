"""``lfk site``: the static disclosure website (clause 10), public and internal.

``build_site(register, out_dir, audience, base_url=None, ..., lang="zh") -> SiteReport`` is the library
entry point; see ``lfk.site.build`` for the pipeline, ``lfk.site.pages`` for what each audience sees and
``lfk.site.words`` for the site's own wording in zh and en.
"""

from lfk.model.disclosure import INTERNAL, PUBLIC
from lfk.model.disclosure import power_is_public as is_public_power
from lfk.site.build import MANIFEST, PublicationBlocked, SiteReport, build_site, commit_date

__all__ = ["INTERNAL", "MANIFEST", "PUBLIC", "PublicationBlocked", "SiteReport", "build_site", "commit_date",
           "is_public_power"]
