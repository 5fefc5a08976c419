"""The import wizard (office only; everyone else gets 404): /resolutions/import/.

1. upload a .docx, .pdf or .txt, or paste the text: the parser proposes the directives (views.upload; a document
   over PORTAL_IMPORT_DIRECT_BYTES is read by a worker, intake.background, and its review opened from the job);
2. review: the document's details and each proposed directive, edited in a draft kept in the session
   (views.review, views.drafts);
3. confirm: the document, its directives and their tasks are recorded in one transaction (views.confirm).

Nothing is written to the database before step 3.
"""
from .confirm import import_confirm
from .drafts import DRAFTS_KEY
from .review import import_review
from .upload import import_from_job, import_start

__all__ = ["DRAFTS_KEY", "import_confirm", "import_from_job", "import_review", "import_start"]
