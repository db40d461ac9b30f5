# Messages in French for a client that asks for them: the catalogue hook of typed forms.
FRENCH = {
    "missing": "Ce champ est obligatoire.",
    "string_too_short": "Au moins {min_length} caractères.",
}


def form_error_message(error, event):
    if not event.request.headers.get("accept-language", "").startswith("fr"):
        return None
    template = FRENCH.get(error["type"])
    return template.format(**error["ctx"]) if template else None
