"""Sponsor reporting: counts and dates about client spaces, never their content.

* :mod:`.access` — who may see which organisation's reports.
* :mod:`.queries` — the figures, aggregated in the database for many spaces at once.
* :mod:`.views` — the admin report (a Wagtail ``ReportView`` with CSV/XLSX export), the
  anonymised view, the PDFs, and the coachee's own view of what their sponsor sees.
* :mod:`.pdf` — the reportlab documents.
* :mod:`.space_views` — a space's report as its participants see it, and :mod:`.urls`.

The figures follow the definitions of :mod:`wagtail_coaching.programmes.progress`. The modules here
read only ``ClientSpace``, ``CoachingSession`` (status, dates, confirmed minutes),
``ModuleProgress`` (dates), ``StepMark`` (done or not) and the public programme pages.
"""
