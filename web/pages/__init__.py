"""Server-rendered pages for drafters and reviewers: read an act, try a case, review a change.

The pages are a second Flask app living in the same process as the JSON API and sharing its
live policy holder (`web.policies`), so a reload is seen by both at once and the pages decide
with the very `Library` the API uses. They are kept out of the API app on purpose:

- the API's URL map is its contract, documented route for route in `web/openapi.yaml` (a test
  checks the two match); HTML pages are not part of it;
- every API error is `application/problem+json`; a page's error is an HTML page;
- the API has no static folder; the pages serve their CSS and JS from `web/static/`.

`web.pages.site.init_app(api)` builds the pages app and wraps the API's WSGI callable in `PageDispatcher`: a
request whose path matches a page route goes to the pages, anything else to the API unchanged.
Pages need no token unless `EREJE_PROTECTED_PAGES` names them (`web.auth.guard_pages`); a case
decided on /try is logged like the API's (`web.pagelog`; see docs/pages.md).
"""
