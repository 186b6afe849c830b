"""What serving Hearth over HTTP needs in more than one blueprint: rendering a page or its
HTMX fragment, URL converters, template filters, security headers, who may reach a view,
and the signed-in session. ``domain/`` knows nothing of requests; ``blueprints/`` holds
only blueprints; these sit between them."""
