/* The text runs of one pdfium text page, in one call: the same result as PdfiumPages._page_runs
 * (engines.py) computes with some eight ctypes calls per run, which cost more than pdfium's own work.
 *
 * One difference: where a rect starts is read off pdfium's own partition of the characters into rects
 * (`partition`), not searched for by position at the rect's left edge (about a third of the time, as that
 * search measures its distance to every character of the page). The two differ only in which rect a space
 * between two rects goes with, so the text the reader makes is the same.
 *
 * Optional: setup.py builds it when a C compiler is there, and engines.py falls back to its Python loop
 * when it is not. tests/test_pdf_fast_runs.py checks that both read every PDF to the same text. It links to nothing:
 * the addresses of the pdfium functions come from pypdfium2's ctypes bindings (set_functions), so it uses
 * the very library pypdfium2 loaded.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <ctype.h>
#include <string.h>

typedef void *TP;
static int (*CountRects)(TP, int, int);
static int (*GetRect)(TP, int, double *, double *, double *, double *);      /* left, top, right, bottom */
static int (*GetCharIndexAtPos)(TP, double, double, double, double);
static unsigned int (*GetUnicode)(TP, int);
static int (*GetCharOrigin)(TP, int, double *, double *);
static double (*GetFontSize)(TP, int);
static unsigned long (*GetFontInfo)(TP, int, void *, unsigned long, int *);
static int (*GetFontWeight)(TP, int);
static int (*GetCharBox)(TP, int, double *, double *, double *, double *);   /* left, right, bottom, top */
static int (*GetBoundedText)(TP, double, double, double, double, unsigned short *, int);
static int (*IsGenerated)(TP, int);
static void *(*GetTextObject)(TP, int);
static int (*CountObjects)(void *);
static void *(*GetObject)(void *, int);
static int (*GetObjType)(void *);
static int (*GetObjBounds)(void *, float *, float *, float *, float *);
static int (*GetDrawMode)(void *, int *, int *);

typedef struct { double l, b, r, t; } Rect;

static PyObject *set_functions(PyObject *self, PyObject *args) {
    unsigned long long a[17];
    if (!PyArg_ParseTuple(args, "KKKKKKKKKKKKKKKKK", &a[0], &a[1], &a[2], &a[3], &a[4], &a[5], &a[6], &a[7], &a[8],
                          &a[9], &a[10], &a[11], &a[12], &a[13], &a[14], &a[15], &a[16]))
        return NULL;
    for (int i = 0; i < 17; i++) /* all but IsGenerated and GetTextObject (see partition) are needed */
        if (i != 10 && i != 11 && !a[i]) return PyErr_Format(PyExc_ValueError, "pdfium function %d missing", i);
    CountRects = (void *)(uintptr_t)a[0];
    GetRect = (void *)(uintptr_t)a[1];
    GetCharIndexAtPos = (void *)(uintptr_t)a[2];
    GetUnicode = (void *)(uintptr_t)a[3];
    GetCharOrigin = (void *)(uintptr_t)a[4];
    GetFontSize = (void *)(uintptr_t)a[5];
    GetFontInfo = (void *)(uintptr_t)a[6];
    GetFontWeight = (void *)(uintptr_t)a[7];
    GetCharBox = (void *)(uintptr_t)a[8];
    GetBoundedText = (void *)(uintptr_t)a[9];
    IsGenerated = (void *)(uintptr_t)a[10];
    GetTextObject = (void *)(uintptr_t)a[11];
    CountObjects = (void *)(uintptr_t)a[12];
    GetObject = (void *)(uintptr_t)a[13];
    GetObjType = (void *)(uintptr_t)a[14];
    GetObjBounds = (void *)(uintptr_t)a[15];
    GetDrawMode = (void *)(uintptr_t)a[16];
    Py_RETURN_NONE;
}

/* _first_char: the character at a rect's left edge (exact hit first, then with a 1 pt tolerance) */
static int first_char(TP h, Rect q) {
    double w = (q.r - q.l) / 2, x = q.l + (w < 0.5 ? w : 0.5), y = (q.b + q.t) / 2;
    int k = GetCharIndexAtPos(h, x, y, 0.0, 0.0);
    return k >= 0 ? k : GetCharIndexAtPos(h, x, y, 1.0, 1.0);
}

/* _repair: a first character not after the previous rect's is replaced by the first later character whose
 * box centre is inside the rect */
static void repair(TP h, const Rect *rects, int *firsts, Py_ssize_t n, int n_chars) {
    int last = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (last < firsts[i]) {
            last = firsts[i];
            continue;
        }
        int stop = n_chars < last + 40 ? n_chars : last + 40;
        for (int j = last + 1; j < stop; j++) {
            double l, r, b, t;
            if (GetCharBox(h, j, &l, &r, &b, &t) && r > l) {
                double cx = (l + r) / 2, cy = (b + t) / 2;
                if (rects[i].l <= cx && cx <= rects[i].r && rects[i].b <= cy && cy <= rects[i].t) {
                    firsts[i] = last = j;
                    break;
                }
            }
        }
    }
}

/* The first character of every rect, as pdfium's GetRectArray makes the rects: one per text object, over
 * the characters that are not generated and whose box is at least 0.01 wide and high. Returns 0 (and the
 * caller searches by position, as engines.py does) if the count differs from pdfium's or the functions
 * are missing (an older pdfium). */
static int partition(TP h, int *firsts, int n_rects, int n_chars) {
    if (!IsGenerated || !GetTextObject) return 0;
    void *obj = NULL;
    int r = -1;
    for (int i = 0; i < n_chars; i++) {
        double l, rr, b, t;
        if (IsGenerated(h, i) == 1 || !GetCharBox(h, i, &l, &rr, &b, &t) || rr - l < 0.01 || t - b < 0.01) continue;
        void *o = GetTextObject(h, i);
        if (r < 0 || o != obj) {
            if (++r >= n_rects) return 0;
            firsts[r] = i;
            obj = o;
        }
    }
    return r + 1 == n_rects;
}

static int is_blank(PyObject *s) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *d = PyUnicode_DATA(s);
    for (Py_ssize_t i = 0; i < n; i++)
        if (!Py_UNICODE_ISSPACE(PyUnicode_READ(kind, d, i))) return 0;
    return 1;
}

/* the text of a rect outside the page's text range: asked for by its box (get_text_bounded) */
static PyObject *bounded_text(TP h, Rect q) {
    int n = GetBoundedText(h, q.l, q.t, q.r, q.b, NULL, 0);
    if (n <= 0) return PyUnicode_New(0, 0);
    unsigned short *buf = PyMem_Calloc((size_t)n, sizeof(unsigned short));
    if (!buf) return PyErr_NoMemory();
    GetBoundedText(h, q.l, q.t, q.r, q.b, buf, n);
    int order = -1; /* little-endian */
    PyObject *s = PyUnicode_DecodeUTF16((const char *)buf, (Py_ssize_t)n * 2, "ignore", &order);
    PyMem_Free(buf);
    return s;
}

/* \r and \n become spaces; pdfium's line-end hyphen (\x02, or \ufffe in range text) a hyphen */
static PyObject *tidy(PyObject *s) {
    static const Py_UCS4 from[4] = {'\r', '\n', 0x02, 0xFFFE};
    static const char *to[4] = {" ", " ", "-", "-"};
    Py_INCREF(s);
    for (int i = 0; i < 4; i++) {
        if (PyUnicode_FindChar(s, from[i], 0, PyUnicode_GET_LENGTH(s), 1) < 0) continue;
        PyObject *a = PyUnicode_FromOrdinal((int)from[i]), *b = PyUnicode_FromString(to[i]);
        PyObject *t = (a && b) ? PyUnicode_Replace(s, a, b, -1) : NULL;
        Py_XDECREF(a);
        Py_XDECREF(b);
        Py_DECREF(s);
        if (!t) return NULL;
        s = t;
    }
    return s;
}

/* _bold: a bold font name (cached in `fonts`, by name, as the first character in that font said), or weight.
 * The name test is engines._BOLD_RE: bold, black or heavy in any case (semibold and the rest hold "bold"). */
static int is_bold(TP h, int idx, PyObject *fonts) {
    char buf[257];
    int flags = 0;
    unsigned long n = GetFontInfo(h, idx, buf, 256, &flags);
    Py_ssize_t len = (n > 0 && n <= 256) ? (Py_ssize_t)n - 1 : 0;
    PyObject *name = PyBytes_FromStringAndSize(buf, len);
    if (!name) return -1;
    PyObject *known = PyDict_GetItemWithError(fonts, name);
    int bold;
    if (known) {
        bold = PyObject_IsTrue(known);
    } else if (PyErr_Occurred()) {
        Py_DECREF(name);
        return -1;
    } else {
        char low[257];
        for (Py_ssize_t i = 0; i < len; i++) low[i] = buf[i] ? (char)tolower((unsigned char)buf[i]) : ' ';
        low[len] = 0;
        bold = strstr(low, "bold") || strstr(low, "black") || strstr(low, "heavy") || (flags & (1 << 18));
        if (PyDict_SetItem(fonts, name, bold ? Py_True : Py_False) < 0) bold = -1;
    }
    Py_DECREF(name);
    if (bold < 0) return -1;
    return bold || GetFontWeight(h, idx) >= 600;
}

/* _run: font size, boldness and baseline of the run's first printed character, width of its first word */
static PyObject *make_run(TP h, int n_chars, int idx, Rect q, PyObject *text, double left, double top_y,
                          PyObject *fonts, PyObject *run_type) {
    int first_ok = idx >= 0;
    if (idx < 0) {
        double half = (q.t - q.b) / 2;
        idx = GetCharIndexAtPos(h, (q.l + q.r) / 2, (q.b + q.t) / 2, 3.0, half > 1.0 ? half : 1.0);
    }
    for (int i = 0; i < 3; i++) {
        if (idx < 0 || idx + 1 >= n_chars) break;
        unsigned int u = GetUnicode(h, idx);
        if (u != 32 && u != 9 && u != 13 && u != 10) break;
        idx++;
    }
    double base = q.b, size;
    int bold = 0;
    if (idx < 0) {
        size = q.t - q.b;
    } else {
        double ox, oy;
        if (GetCharOrigin(h, idx, &ox, &oy)) base = oy;
        size = GetFontSize(h, idx);
        bold = is_bold(h, idx, fonts);
        if (bold < 0) return NULL;
    }
    /* the first word: from the first non-space character to the next ' ' */
    Py_ssize_t n = PyUnicode_GET_LENGTH(text), s0 = 0;
    int kind = PyUnicode_KIND(text);
    const void *d = PyUnicode_DATA(text);
    while (s0 < n && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, d, s0))) s0++;
    Py_ssize_t k = -1;
    for (Py_ssize_t i = s0; i < n; i++)
        if (PyUnicode_READ(kind, d, i) == ' ') {
            k = i - s0;
            break;
        }
    double w1 = q.r - q.l;
    if (k > 0 && !first_ok) {
        Py_ssize_t m = n - s0 > 1 ? n - s0 : 1;
        w1 = (q.r - q.l) * ((double)k / (double)m);
    } else if (first_ok && k > 0) {
        double l, r, b, t;
        if (GetCharBox(h, idx + (int)k - 1, &l, &r, &b, &t) && r >= q.l) w1 = r - q.l;
    }
    return PyObject_CallFunction(run_type, "ddddOdOdd", q.l - left, top_y - q.t, q.r - left, top_y - q.b, text,
                                 size, bold ? Py_True : Py_False, w1, top_y - base);
}

/* page_runs(textpage, n_chars, full, left, top_y, fonts, Run) -> list[Run]
 * `full` is the page's text if it has one character per pdfium character, else None. */
static PyObject *page_runs(PyObject *self, PyObject *args) {
    unsigned long long addr;
    int n_chars;
    PyObject *full, *fonts, *run_type;
    double left, top_y;
    if (!PyArg_ParseTuple(args, "KiOddO!O", &addr, &n_chars, &full, &left, &top_y, &PyDict_Type, &fonts,
                          &run_type))
        return NULL;
    if (!CountRects) return PyErr_Format(PyExc_RuntimeError, "pdfium functions not set");
    if (full != Py_None && !PyUnicode_Check(full)) return PyErr_Format(PyExc_TypeError, "full must be str");
    TP h = (TP)(uintptr_t)addr;
    int n_rects = CountRects(h, 0, -1);
    if (n_rects < 0) n_rects = 0;
    Rect *rects = PyMem_Calloc((size_t)n_rects + 1, sizeof(Rect));
    int *firsts = PyMem_Calloc((size_t)n_rects + 1, sizeof(int));
    int *ok = PyMem_Calloc((size_t)n_rects + 1, sizeof(int));
    PyObject *out = PyList_New(0);
    if (!rects || !firsts || !ok || !out) {
        PyErr_NoMemory();
        goto fail;
    }
    for (int i = 0; i < n_rects; i++) {
        if (!GetRect(h, i, &rects[i].l, &rects[i].t, &rects[i].r, &rects[i].b)) {
            PyErr_Format(PyExc_ValueError, "pdfium cannot give text rect %d", i);
            goto fail;
        }
    }
    if (!partition(h, firsts, n_rects, n_chars)) {
        for (int i = 0; i < n_rects; i++) firsts[i] = first_char(h, rects[i]);
        repair(h, rects, firsts, n_rects, n_chars);
    }
    /* _char_starts: a rect's characters run from its first to the next rect's first */
    int limit = full == Py_None ? 0 : n_chars, last = -1;
    for (int i = 0; i < n_rects; i++) {
        ok[i] = -1;
        if (limit && last < firsts[i] && firsts[i] < limit) ok[i] = last = firsts[i];
    }
    for (int i = 0; i < n_rects; i++) {
        int k = ok[i], e = i + 1 < n_rects ? ok[i + 1] : limit;
        PyObject *text = (k >= 0 && e > k) ? PyUnicode_Substring(full, k, e) : bounded_text(h, rects[i]);
        if (!text) goto fail;
        if (PyUnicode_GET_LENGTH(text) == 0 || is_blank(text)) {
            Py_DECREF(text);
            continue;
        }
        PyObject *clean = tidy(text);
        Py_DECREF(text);
        if (!clean) goto fail;
        PyObject *run = make_run(h, n_chars, firsts[i], rects[i], clean, left, top_y, fonts, run_type);
        Py_DECREF(clean);
        if (!run || PyList_Append(out, run) < 0) {
            Py_XDECREF(run);
            goto fail;
        }
        Py_DECREF(run);
    }
    PyMem_Free(rects);
    PyMem_Free(firsts);
    PyMem_Free(ok);
    return out;
fail:
    PyMem_Free(rects);
    PyMem_Free(firsts);
    PyMem_Free(ok);
    Py_XDECREF(out);
    return NULL;
}

/* page_shapes(page, top_y, left, max_objects) -> list of (x0, top, x1, bottom): marks.pdfium_shapes */
static PyObject *page_shapes(PyObject *self, PyObject *args) {
    unsigned long long addr;
    double top_y, left;
    int max_objects;
    if (!PyArg_ParseTuple(args, "Kddi", &addr, &top_y, &left, &max_objects)) return NULL;
    if (!CountObjects) return PyErr_Format(PyExc_RuntimeError, "pdfium functions not set");
    void *page = (void *)(uintptr_t)addr;
    PyObject *out = PyList_New(0);
    int n = CountObjects(page);
    if (!out || n > max_objects) return out;
    for (int i = 0; i < n; i++) {
        void *obj = GetObject(page, i);
        float x0, y0, x1, y1;
        if (GetObjType(obj) != 2 /* FPDF_PAGEOBJ_PATH */ || !GetObjBounds(obj, &x0, &y0, &x1, &y1)) continue;
        if ((double)x1 - (double)x0 > 8 || (double)y1 - (double)y0 > 8) continue;
        int fill = 0, stroke = 0;
        if (GetDrawMode(obj, &fill, &stroke) && !fill) continue;
        PyObject *box = Py_BuildValue("(dddd)", (double)x0 - left, top_y - (double)y1, (double)x1 - left,
                                      top_y - (double)y0);
        if (!box || PyList_Append(out, box) < 0) {
            Py_XDECREF(box);
            Py_DECREF(out);
            return NULL;
        }
        Py_DECREF(box);
    }
    return out;
}

static PyMethodDef methods[] = {
    {"page_shapes", page_shapes, METH_VARARGS, "Boxes of a pdfium page's small filled path objects."},
    {"set_functions", set_functions, METH_VARARGS, "Set the addresses of the pdfium text functions used (0: not in this pdfium)."},
    {"page_runs", page_runs, METH_VARARGS, "The text runs of a pdfium text page (see engines.py)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_pdfium_runs", NULL, -1, methods};

PyMODINIT_FUNC PyInit__pdfium_runs(void) { return PyModule_Create(&module); }
