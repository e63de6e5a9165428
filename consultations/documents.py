"""What attendance puts on paper and screens: QR codes (qrcode) and PDFs (WeasyPrint).

WeasyPrint lays text out with Pango and HarfBuzz, so Arabic is joined and set right to left and Chinese finds a
font that has it (the Debian fonts the Makefile installs: Noto Naskh Arabic, WenQuanYi); the templates say which
direction and language the page is in.
"""

import base64
import hashlib
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import translation

QR_KEPT_SECONDS = 60 * 60 * 24 * 30


def _qr(text: str) -> qrcode.QRCode:
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(text)
    code.make(fit=True)
    return code


def qr_svg(text: str) -> str:
    """A QR code as SVG markup (no script, no external reference)."""
    image = _qr(text).make_image(image_factory=qrcode.image.svg.SvgPathImage)
    return image.to_string(encoding="unicode")


def qr_data_uri(text: str) -> str:
    """A QR code as an SVG data: URI, for an <img> (the content security policy allows data: images)."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(text).encode()).decode()


def qr_data_uris(texts) -> dict[str, str]:
    """QR codes of several texts as data: URIs, each drawn once and then read from the cache (one round trip for
    a whole page). A picture depends on its text alone, so whoever holds the text gets the same picture."""
    keys = {text: "qr:v1:" + hashlib.sha256(text.encode()).hexdigest() for text in texts}
    kept = cache.get_many(keys.values())
    drawn = {key: qr_data_uri(text) for text, key in keys.items() if key not in kept}
    if drawn:
        cache.set_many(drawn, timeout=QR_KEPT_SECONDS)
    return {text: kept.get(key) or drawn[key] for text, key in keys.items()}


def qr_png(text: str) -> bytes:
    """A QR code as PNG, for e-mail, where SVG images are not shown by most readers."""
    buffer = io.BytesIO()
    _qr(text).make_image().save(buffer, format="PNG")
    return buffer.getvalue()


def render_html(*, template: str, context: dict, language: str, request=None) -> str:
    """Render ``template`` in ``language`` (and its direction), ready for :func:`html_to_pdf`."""
    with translation.override(language):
        return render_to_string(
            template,
            {
                **context,
                "LANGUAGE_CODE": language,
                "LANGUAGE_BIDI": translation.get_language_bidi(),
                "site_name": settings.PORTAL_SITE_NAME,
                "base_url": settings.PORTAL_BASE_URL,
            },
            request=request,
        )


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML, URLFetcher  # noqa: PLC0415 - heavy (fonts, CSS engine): loaded only when asked for

    # Everything the page shows is in it (QR codes and charts inline): nothing is fetched from anywhere.
    fetcher = URLFetcher(allowed_protocols=("data",))
    return HTML(string=html, base_url=settings.PORTAL_BASE_URL, url_fetcher=fetcher).write_pdf()


def render_pdf(*, template: str, context: dict, language: str) -> bytes:
    """Render ``template`` in ``language`` (and its direction) to PDF."""
    return html_to_pdf(render_html(template=template, context=context, language=language))
