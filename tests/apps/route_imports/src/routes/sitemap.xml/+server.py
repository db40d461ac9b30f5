from kite import text

from .pages import PAGES


def GET(event):
    urls = "".join(f"<url><loc>{page}</loc></url>" for page in PAGES)
    return text(f"<urlset>{urls}</urlset>", headers={"content-type": "application/xml"})
