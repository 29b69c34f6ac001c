/*
 * assay.text._fastkw: the keyword engine's work per match in C (optional; assay.text.hitrules
 * has the same rules in Python and assay.text.keywords uses it when this module is not built).
 *
 * Collector(alnum, edges, offsets, entries, marks, boundaries, layout,
 *           keywords, risk_ids, forms, vias, hit_type, fields)
 *   alnum      buffer of 0x110000 uint8: does the code point fold to an ASCII letter or digit
 *   edges      buffer of uint8, one per pattern: bit 0 it starts, bit 1 it ends with one
 *   offsets    buffer of int32, one per pattern and one more: the targets of pattern p are
 *              offsets[p] .. offsets[p + 1] - 1
 *   entries    buffer of int32, one per target: its entry index, or -1 (an allowlist phrase)
 *   marks      str: sentence punctuation; a hit spanning one is marked "across sentences"
 *   boundaries int: apply the whole-word rule (edges) at all
 *   layout     (i, j, k): where the pattern index, start byte and end byte sit in a match tuple
 *   keywords, risk_ids   lists, one item per entry (str, tuple)
 *   forms, vias          lists, one item per target (str, str)
 *   hit_type   the KeywordHit class; fields its seven member descriptors, in field order
 *
 * collect(text, found, src, n, texts) -> bytes
 *   text   the scanned text (for a batch: the texts joined by one barrier character)
 *   found  list of match tuples of the automaton over the two-byte codes
 *   src    bytes of int32: for each of the n normalized characters, its index in text;
 *          None: the same index
 *   texts  None for one text; for a batch, the list of texts that were joined
 *   Returns the hits as records of six int32: (text number, start, end, entry, target,
 *   across sentences), start and end indexing that text; sorted by (text, start, end,
 *   entry), one per entry and span (the first target found wins), hits inside an allowlisted
 *   phrase and Latin partial words removed.
 *
 * hits(records, count) -> list
 *   The KeywordHit objects of the records: one flat list (count < 0), or count lists, one per
 *   text of a batch.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TABLE_SIZE 0x110000
#define FIELDS 7
#define RECORD 6

typedef struct {
    PyObject_HEAD
    PyObject *alnum_obj;   /* owner of alnum */
    const uint8_t *alnum;
    uint8_t *edges;
    int32_t *offsets;
    int32_t *entries;
    Py_ssize_t patterns, targets;
    Py_UCS4 *marks;
    Py_ssize_t nmarks;
    uint8_t ascii_marks[128];
    int boundaries;
    int layout[3];
    PyObject *keywords, *risk_ids, *forms, *vias;
    PyTypeObject *hit_type;
    PyObject *fields[FIELDS];
    PyObject *empty;
} Collector;

typedef struct {
    int32_t ostart, oend, entry, target, nstart, nend;
    Py_ssize_t seq;
} Raw;

typedef struct {
    int32_t start, end;
} Span;

static int copy_buffer(PyObject *obj, Py_ssize_t itemsize, void **out, Py_ssize_t *count,
                       const char *name) {
    Py_buffer view;
    if (PyObject_GetBuffer(obj, &view, PyBUF_SIMPLE) < 0) return -1;
    if (view.len % itemsize) {
        PyBuffer_Release(&view);
        PyErr_Format(PyExc_ValueError, "%s: length not a multiple of %zd", name, itemsize);
        return -1;
    }
    *out = PyMem_Malloc(view.len ? (size_t)view.len : 1);
    if (!*out) {
        PyBuffer_Release(&view);
        PyErr_NoMemory();
        return -1;
    }
    memcpy(*out, view.buf, (size_t)view.len);
    *count = view.len / itemsize;
    PyBuffer_Release(&view);
    return 0;
}

static void Collector_dealloc(Collector *self) {
    Py_XDECREF(self->alnum_obj);
    PyMem_Free(self->edges);
    PyMem_Free(self->offsets);
    PyMem_Free(self->entries);
    PyMem_Free(self->marks);
    Py_XDECREF(self->keywords);
    Py_XDECREF(self->risk_ids);
    Py_XDECREF(self->forms);
    Py_XDECREF(self->vias);
    Py_XDECREF(self->hit_type);
    for (int k = 0; k < FIELDS; k++) Py_XDECREF(self->fields[k]);
    Py_XDECREF(self->empty);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static PyObject *Collector_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *alnum, *edges, *offsets, *entries, *marks, *layout, *keywords, *risk_ids, *forms,
        *vias, *hit_type, *fields;
    int boundaries;
    if (kwds && PyDict_GET_SIZE(kwds)) {
        PyErr_SetString(PyExc_TypeError, "Collector takes positional arguments only");
        return NULL;
    }
    if (!PyArg_ParseTuple(args, "OOOOUpO!O!O!O!O!O!O!:Collector", &alnum, &edges, &offsets,
                          &entries, &marks, &boundaries, &PyTuple_Type, &layout, &PyList_Type,
                          &keywords, &PyList_Type, &risk_ids, &PyList_Type, &forms, &PyList_Type,
                          &vias, &PyType_Type, &hit_type, &PyTuple_Type, &fields))
        return NULL;
    Collector *self = (Collector *)type->tp_alloc(type, 0);
    if (!self) return NULL;
    Py_buffer view;
    if (PyObject_GetBuffer(alnum, &view, PyBUF_SIMPLE) < 0) goto fail;
    Py_ssize_t alnum_len = view.len;
    self->alnum = (const uint8_t *)view.buf;
    PyBuffer_Release(&view); /* bytes keep their buffer while referenced */
    if (!PyBytes_Check(alnum) || alnum_len != TABLE_SIZE) {
        PyErr_SetString(PyExc_ValueError, "alnum must be bytes of length 0x110000");
        goto fail;
    }
    Py_INCREF(alnum);
    self->alnum_obj = alnum;
    Py_ssize_t n_offsets, n_edges;
    if (copy_buffer(edges, 1, (void **)&self->edges, &n_edges, "edges") < 0) goto fail;
    if (copy_buffer(offsets, 4, (void **)&self->offsets, &n_offsets, "offsets") < 0) goto fail;
    if (copy_buffer(entries, 4, (void **)&self->entries, &self->targets, "entries") < 0)
        goto fail;
    self->patterns = n_edges;
    if (n_offsets != n_edges + 1 || self->offsets[0] != 0 ||
        self->offsets[n_edges] != self->targets) {
        PyErr_SetString(PyExc_ValueError, "offsets must hold patterns + 1 bounds over the targets");
        goto fail;
    }
    for (Py_ssize_t p = 0; p < n_edges; p++) {
        if (self->offsets[p] > self->offsets[p + 1]) {
            PyErr_SetString(PyExc_ValueError, "offsets must not decrease");
            goto fail;
        }
    }
    if (PyList_GET_SIZE(keywords) != PyList_GET_SIZE(risk_ids) ||
        PyList_GET_SIZE(forms) != self->targets || PyList_GET_SIZE(vias) != self->targets) {
        PyErr_SetString(PyExc_ValueError, "keywords/risk_ids per entry, forms/vias per target");
        goto fail;
    }
    for (Py_ssize_t t = 0; t < self->targets; t++) {
        if (self->entries[t] >= PyList_GET_SIZE(keywords) || self->entries[t] < -1) {
            PyErr_SetString(PyExc_ValueError, "a target names an entry out of range");
            goto fail;
        }
    }
    self->nmarks = PyUnicode_GET_LENGTH(marks);
    self->marks = PyMem_Malloc(sizeof(Py_UCS4) * (size_t)(self->nmarks ? self->nmarks : 1));
    if (!self->marks) {
        PyErr_NoMemory();
        goto fail;
    }
    for (Py_ssize_t i = 0; i < self->nmarks; i++) {
        Py_UCS4 cp = PyUnicode_READ_CHAR(marks, i);
        self->marks[i] = cp;
        if (cp < 128) self->ascii_marks[cp] = 1;
    }
    self->boundaries = boundaries;
    if (PyTuple_GET_SIZE(layout) != 3) {
        PyErr_SetString(PyExc_ValueError, "layout: three tuple positions");
        goto fail;
    }
    for (int k = 0; k < 3; k++) {
        long at = PyLong_AsLong(PyTuple_GET_ITEM(layout, k));
        if (at == -1 && PyErr_Occurred()) goto fail;
        if (at < 0 || at > 2) {
            PyErr_SetString(PyExc_ValueError, "layout: positions 0 to 2");
            goto fail;
        }
        self->layout[k] = (int)at;
    }
    if (PyTuple_GET_SIZE(fields) != FIELDS) {
        PyErr_SetString(PyExc_ValueError, "fields: the seven member descriptors of the hit");
        goto fail;
    }
    for (int k = 0; k < FIELDS; k++) {
        PyObject *field = PyTuple_GET_ITEM(fields, k);
        if (Py_TYPE(field)->tp_descr_set == NULL) {
            PyErr_SetString(PyExc_TypeError, "fields: each must be a settable descriptor");
            goto fail;
        }
        Py_INCREF(field);
        self->fields[k] = field;
    }
    Py_INCREF(keywords);
    self->keywords = keywords;
    Py_INCREF(risk_ids);
    self->risk_ids = risk_ids;
    Py_INCREF(forms);
    self->forms = forms;
    Py_INCREF(vias);
    self->vias = vias;
    Py_INCREF(hit_type);
    self->hit_type = (PyTypeObject *)hit_type;
    self->empty = PyTuple_New(0);
    if (!self->empty) goto fail;
    return (PyObject *)self;
fail:
    Py_DECREF(self);
    return NULL;
}

static int compare_raw(const void *a, const void *b) {
    const Raw *x = (const Raw *)a, *y = (const Raw *)b;
    if (x->ostart != y->ostart) return x->ostart < y->ostart ? -1 : 1;
    if (x->oend != y->oend) return x->oend < y->oend ? -1 : 1;
    if (x->entry != y->entry) return x->entry < y->entry ? -1 : 1;
    return (x->seq > y->seq) - (x->seq < y->seq); /* stable: the first found stays first */
}

static int compare_span(const void *a, const void *b) {
    const Span *x = (const Span *)a, *y = (const Span *)b;
    return (x->start > y->start) - (x->start < y->start);
}

static inline int is_mark(const Collector *self, Py_UCS4 cp) {
    if (cp < 128) return self->ascii_marks[cp];
    for (Py_ssize_t i = 0; i < self->nmarks; i++)
        if (self->marks[i] == cp) return 1;
    return 0;
}

static int grow(void **items, Py_ssize_t *capacity, Py_ssize_t size, size_t itemsize) {
    if (size < *capacity) return 0;
    Py_ssize_t wanted = *capacity ? *capacity * 2 : 64;
    void *bigger = PyMem_Realloc(*items, (size_t)wanted * itemsize);
    if (!bigger) {
        PyErr_NoMemory();
        return -1;
    }
    *items = bigger;
    *capacity = wanted;
    return 0;
}

static int read_index(PyObject *tuple, int at, Py_ssize_t *out) {
    *out = PyLong_AsSsize_t(PyTuple_GET_ITEM(tuple, at));
    return (*out == -1 && PyErr_Occurred()) ? -1 : 0;
}

static PyObject *Collector_collect(Collector *self, PyObject *args) {
    PyObject *text, *found, *src_obj, *texts;
    Py_ssize_t n;
    if (!PyArg_ParseTuple(args, "UO!OnO:collect", &text, &PyList_Type, &found, &src_obj, &n,
                          &texts))
        return NULL;
    Py_buffer src_view = {0};
    const int32_t *src = NULL;
    Raw *raws = NULL;
    Span *allowed = NULL;
    int32_t *reach = NULL, *out = NULL;
    PyObject *result = NULL;
    Py_ssize_t nraw = 0, raw_cap = 0, nallow = 0, allow_cap = 0;
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *chars = PyUnicode_DATA(text);
    if (src_obj != Py_None) {
        if (PyObject_GetBuffer(src_obj, &src_view, PyBUF_SIMPLE) < 0) return NULL;
        src = (const int32_t *)src_view.buf;
        if (src_view.len != n * 4) {
            PyErr_SetString(PyExc_ValueError, "src must hold n int32");
            goto done;
        }
    } else if (n > length) {
        PyErr_SetString(PyExc_ValueError, "n exceeds the text");
        goto done;
    }
    if (texts != Py_None && !PyList_Check(texts)) {
        PyErr_SetString(PyExc_TypeError, "texts must be a list or None");
        goto done;
    }
    Py_ssize_t matches = PyList_GET_SIZE(found);
    for (Py_ssize_t m = 0; m < matches; m++) {
        PyObject *match = PyList_GET_ITEM(found, m);
        if (!PyTuple_Check(match) || PyTuple_GET_SIZE(match) != 3) {
            PyErr_SetString(PyExc_TypeError, "a match must be a tuple of three integers");
            goto done;
        }
        Py_ssize_t pattern, start_byte, end_byte;
        if (read_index(match, self->layout[0], &pattern) < 0 ||
            read_index(match, self->layout[1], &start_byte) < 0 ||
            read_index(match, self->layout[2], &end_byte) < 0)
            goto done;
        Py_ssize_t start = start_byte >> 1, end = end_byte >> 1;
        if (pattern < 0 || pattern >= self->patterns || start < 0 || end <= start || end > n) {
            PyErr_SetString(PyExc_ValueError, "a match out of range of the patterns or the text");
            goto done;
        }
        Py_ssize_t first = src ? src[start] : start, last = src ? src[end - 1] : end - 1;
        if (first < 0 || last >= length || first > last) {
            PyErr_SetString(PyExc_ValueError, "src points outside the text");
            goto done;
        }
        if (self->boundaries) {
            uint8_t edge = self->edges[pattern];
            if ((edge & 1) && start > 0) {
                Py_ssize_t at = src ? src[start - 1] : start - 1;
                if (at < 0 || at >= length) {
                    PyErr_SetString(PyExc_ValueError, "src points outside the text");
                    goto done;
                }
                if (self->alnum[PyUnicode_READ(kind, chars, at)]) continue;
            }
            if ((edge & 2) && end < n) {
                Py_ssize_t at = src ? src[end] : end;
                if (at < 0 || at >= length) {
                    PyErr_SetString(PyExc_ValueError, "src points outside the text");
                    goto done;
                }
                if (self->alnum[PyUnicode_READ(kind, chars, at)]) continue;
            }
        }
        for (int32_t t = self->offsets[pattern]; t < self->offsets[pattern + 1]; t++) {
            int32_t entry = self->entries[t];
            if (entry < 0) {
                if (grow((void **)&allowed, &allow_cap, nallow, sizeof(Span)) < 0) goto done;
                allowed[nallow++] = (Span){(int32_t)start, (int32_t)end};
            } else {
                if (grow((void **)&raws, &raw_cap, nraw, sizeof(Raw)) < 0) goto done;
                raws[nraw] = (Raw){(int32_t)first, (int32_t)(last + 1), entry, t,
                                   (int32_t)start, (int32_t)end, nraw};
                nraw++;
            }
        }
    }
    if (nallow && nraw) {
        /* drop hits inside an allowlisted span: spans sorted by start, with the furthest end
         * reached so far, answer "does one start at or before s and end at or after e" */
        qsort(allowed, (size_t)nallow, sizeof(Span), compare_span);
        reach = PyMem_Malloc(sizeof(int32_t) * (size_t)nallow);
        if (!reach) {
            PyErr_NoMemory();
            goto done;
        }
        for (Py_ssize_t i = 0; i < nallow; i++)
            reach[i] = i && reach[i - 1] > allowed[i].end ? reach[i - 1] : allowed[i].end;
        Py_ssize_t kept = 0;
        for (Py_ssize_t i = 0; i < nraw; i++) {
            Py_ssize_t lo = 0, hi = nallow; /* the first allowed span starting after nstart */
            while (lo < hi) {
                Py_ssize_t mid = (lo + hi) / 2;
                if (allowed[mid].start <= raws[i].nstart) lo = mid + 1;
                else hi = mid;
            }
            if (lo > 0 && reach[lo - 1] >= raws[i].nend) continue;
            raws[kept++] = raws[i];
        }
        nraw = kept;
    }
    if (nraw > 1) qsort(raws, (size_t)nraw, sizeof(Raw), compare_raw);
    out = PyMem_Malloc(sizeof(int32_t) * RECORD * (size_t)(nraw ? nraw : 1));
    if (!out) {
        PyErr_NoMemory();
        goto done;
    }
    Py_ssize_t count = 0, doc = 0, base = 0;
    Py_ssize_t docs = texts == Py_None ? 1 : PyList_GET_SIZE(texts);
    for (Py_ssize_t i = 0; i < nraw; i++) {
        const Raw *r = &raws[i];
        if (i && r->ostart == raws[i - 1].ostart && r->oend == raws[i - 1].oend &&
            r->entry == raws[i - 1].entry)
            continue; /* the same entry on the same span (keyword and variant alike) */
        if (texts != Py_None) {
            while (doc + 1 < docs) {
                PyObject *item = PyList_GET_ITEM(texts, doc);
                if (!PyUnicode_Check(item)) {
                    PyErr_SetString(PyExc_TypeError, "texts must hold str");
                    goto done;
                }
                Py_ssize_t next = base + PyUnicode_GET_LENGTH(item) + 1;
                if (next > r->ostart) break;
                base = next;
                doc++;
            }
        }
        int crosses = 0;
        for (Py_ssize_t j = r->ostart; j < r->oend && !crosses; j++)
            crosses = is_mark(self, PyUnicode_READ(kind, chars, j));
        int32_t *record = out + RECORD * count++;
        record[0] = (int32_t)doc;
        record[1] = (int32_t)(r->ostart - base);
        record[2] = (int32_t)(r->oend - base);
        record[3] = r->entry;
        record[4] = r->target;
        record[5] = crosses;
    }
    result = PyBytes_FromStringAndSize((const char *)out,
                                       count * RECORD * (Py_ssize_t)sizeof(int32_t));
done:
    if (src_obj != Py_None && src_view.obj) PyBuffer_Release(&src_view);
    PyMem_Free(raws);
    PyMem_Free(allowed);
    PyMem_Free(reach);
    PyMem_Free(out);
    return result;
}

static PyObject *make_hit(Collector *self, const int32_t *record) {
    PyObject *start = PyLong_FromLong(record[1]);
    PyObject *end = PyLong_FromLong(record[2]);
    PyObject *hit = NULL;
    if (!start || !end) goto done;
    hit = self->hit_type->tp_new(self->hit_type, self->empty, NULL);
    if (!hit) goto done;
    PyObject *values[FIELDS] = {
        PyList_GET_ITEM(self->keywords, record[3]),
        PyList_GET_ITEM(self->risk_ids, record[3]),
        start,
        end,
        PyList_GET_ITEM(self->forms, record[4]),
        PyList_GET_ITEM(self->vias, record[4]),
        record[5] ? Py_True : Py_False,
    };
    for (int k = 0; k < FIELDS; k++) {
        PyObject *field = self->fields[k];
        if (Py_TYPE(field)->tp_descr_set(field, hit, values[k]) < 0) {
            Py_CLEAR(hit);
            goto done;
        }
    }
done:
    Py_XDECREF(start);
    Py_XDECREF(end);
    return hit;
}

static PyObject *Collector_hits(Collector *self, PyObject *args) {
    Py_buffer view;
    Py_ssize_t count;
    if (!PyArg_ParseTuple(args, "y*n:hits", &view, &count)) return NULL;
    PyObject *result = NULL;
    const int32_t *records = (const int32_t *)view.buf;
    Py_ssize_t size = view.len / (Py_ssize_t)(sizeof(int32_t) * RECORD);
    if (view.len % (Py_ssize_t)(sizeof(int32_t) * RECORD)) {
        PyErr_SetString(PyExc_ValueError, "records: six int32 each");
        goto done;
    }
    Py_ssize_t entries = PyList_GET_SIZE(self->keywords);
    for (Py_ssize_t i = 0; i < size; i++) {
        const int32_t *r = records + RECORD * i;
        if (r[3] < 0 || r[3] >= entries || r[4] < 0 || r[4] >= self->targets ||
            (count >= 0 ? (r[0] < 0 || r[0] >= count) : r[0] != 0)) {
            PyErr_SetString(PyExc_ValueError, "a record out of range");
            goto done;
        }
    }
    if (count < 0) {
        result = PyList_New(size);
        if (!result) goto done;
        for (Py_ssize_t i = 0; i < size; i++) {
            PyObject *hit = make_hit(self, records + RECORD * i);
            if (!hit) {
                Py_CLEAR(result);
                goto done;
            }
            PyList_SET_ITEM(result, i, hit);
        }
        goto done;
    }
    result = PyList_New(count);
    if (!result) goto done;
    for (Py_ssize_t d = 0; d < count; d++) {
        PyObject *list = PyList_New(0);
        if (!list) {
            Py_CLEAR(result);
            goto done;
        }
        PyList_SET_ITEM(result, d, list);
    }
    for (Py_ssize_t i = 0; i < size; i++) {
        const int32_t *r = records + RECORD * i;
        PyObject *hit = make_hit(self, r);
        if (!hit || PyList_Append(PyList_GET_ITEM(result, r[0]), hit) < 0) {
            Py_XDECREF(hit);
            Py_CLEAR(result);
            goto done;
        }
        Py_DECREF(hit);
    }
done:
    PyBuffer_Release(&view);
    return result;
}

static PyMethodDef Collector_methods[] = {
    {"collect", (PyCFunction)Collector_collect, METH_VARARGS,
     "The hits of the automaton's matches as records; see the module comment."},
    {"hits", (PyCFunction)Collector_hits, METH_VARARGS,
     "KeywordHit objects of records; see the module comment."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject CollectorType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "assay.text._fastkw.Collector",
    .tp_basicsize = sizeof(Collector),
    .tp_dealloc = (destructor)Collector_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A compiled keyword library's rules per match; see the module comment.",
    .tp_methods = Collector_methods,
    .tp_new = Collector_new,
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_fastkw", NULL, -1, NULL, NULL, NULL, NULL, NULL};

PyMODINIT_FUNC PyInit__fastkw(void) {
    if (PyType_Ready(&CollectorType) < 0) return NULL;
    PyObject *m = PyModule_Create(&module);
    if (!m) return NULL;
    Py_INCREF(&CollectorType);
    if (PyModule_AddObject(m, "Collector", (PyObject *)&CollectorType) < 0) {
        Py_DECREF(&CollectorType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
