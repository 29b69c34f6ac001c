/*
 * assay.text._fastnorm: the normalizer's inner loop in C (optional; assay.text.normalize has
 * the same algorithm in numpy and uses it when this module is not built).
 *
 * encode(text, cls, lut, flags) -> (data, src) or None
 *   text  str
 *   cls   buffer of uint8, one class per code point (assay.text.tables: NORMAL=0, CJK=1,
 *         SEPARATOR=2, SPACE=3, DROP=4, EXPAND=5, ALNUM=6)
 *   lut   buffer of uint16 or uint32, one output item per code point
 *   flags bit 0: drop separators between CJK characters; bit 1: collapse runs of spaces;
 *         bit 2: drop separators between spaced-out single letters or digits ("b o m b"),
 *         and, with bit 0, between such a letter and a CJK character
 * data is the bytes of the output items of the kept characters; src the int32 index of each
 * one's character in text. Returns None when text holds an EXPAND character (the caller then
 * takes the slow path).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

enum { NORMAL = 0, CJK = 1, SEPARATOR = 2, SPACE = 3, DROP = 4, EXPAND = 5, ALNUM = 6 };
#define TABLE_SIZE 0x110000

typedef struct {
    char *data;
    int32_t *src;
    Py_ssize_t n;
    int width;
    const void *lut;
} Out;

static inline void emit(Out *out, Py_UCS4 cp, Py_ssize_t index) {
    if (out->width == 2) {
        ((uint16_t *)out->data)[out->n] = ((const uint16_t *)out->lut)[cp];
    } else {
        ((uint32_t *)out->data)[out->n] = ((const uint32_t *)out->lut)[cp];
    }
    out->src[out->n] = (int32_t)index;
    out->n++;
}

/* emit the pending run [start, end) of separators, spaces and dropped characters */
static void flush_run(Out *out, int kind, const void *text, const uint8_t *cls,
                      Py_ssize_t start, Py_ssize_t end, int collapse) {
    int last_space = 0;
    for (Py_ssize_t j = start; j < end; j++) {
        Py_UCS4 cp = PyUnicode_READ(kind, text, j);
        uint8_t c = cls[cp];
        if (c == DROP) continue;
        if (c == SPACE) {
            if (collapse && last_space) continue;
            last_space = 1;
        } else {
            last_space = 0;
        }
        emit(out, cp, j);
    }
}

static PyObject *encode(PyObject *self, PyObject *args) {
    PyObject *text;
    Py_buffer cls_buf, lut_buf;
    int flags;
    if (!PyArg_ParseTuple(args, "Uy*y*i", &text, &cls_buf, &lut_buf, &flags)) return NULL;
    PyObject *result = NULL;
    char *data = NULL;
    int32_t *src = NULL;
    int width = (int)lut_buf.itemsize;
    if (lut_buf.len == TABLE_SIZE * 2) width = 2;
    else if (lut_buf.len == TABLE_SIZE * 4) width = 4;
    else width = 0;
    if (cls_buf.len != TABLE_SIZE || width == 0) {
        PyErr_SetString(PyExc_ValueError, "cls must have 0x110000 uint8, lut 0x110000 uint16 or uint32");
        goto done;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *chars = PyUnicode_DATA(text);
    const uint8_t *cls = (const uint8_t *)cls_buf.buf;
    int join = flags & 1, collapse = (flags >> 1) & 1, letters = (flags >> 2) & 1;
    data = PyMem_Malloc((size_t)(length ? length : 1) * (size_t)width);
    src = PyMem_Malloc((size_t)(length ? length : 1) * sizeof(int32_t));
    if (!data || !src) { PyErr_NoMemory(); goto done; }
    Out out = {data, src, 0, width, lut_buf.buf};
    Py_ssize_t run_start = -1;  /* start of the pending run of invisible/separator chars */
    int run_has_separator = 0;
    int prev_class = -1;         /* class of the previous visible character */
    int prev_single = 0;         /* it is a letter or digit standing alone between separators */
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 cp = PyUnicode_READ(kind, chars, i);
        uint8_t c = cls[cp];
        if (c == EXPAND) { result = Py_None; Py_INCREF(result); goto done; }
        if (c == DROP || c == SEPARATOR || c == SPACE) {
            if (run_start < 0) { run_start = i; run_has_separator = 0; }
            if (c != DROP) run_has_separator = 1;
            continue;
        }
        int single = 0;
        if (c == ALNUM && letters) {
            /* alone if separated on the left (or, joining CJK, written straight after a CJK
             * character: "散步p i g") and the next visible character is not a letter */
            int left = prev_class < 0 || (run_start >= 0 && run_has_separator) ||
                       (join && prev_class == CJK);
            Py_ssize_t j = i + 1;
            while (j < length && cls[PyUnicode_READ(kind, chars, j)] == DROP) j++;
            single = left && (j >= length || cls[PyUnicode_READ(kind, chars, j)] != ALNUM);
        }
        if (run_start >= 0) {
            /* CJK with CJK; a lone letter or digit with another, or with CJK ("3 5 岁") */
            int prev_cjk = join && prev_class == CJK, cur_cjk = join && c == CJK;
            int joined = run_has_separator &&
                ((prev_cjk && cur_cjk) || (prev_single && (single || cur_cjk)) ||
                 (single && prev_cjk));
            if (!joined) flush_run(&out, kind, chars, cls, run_start, i, collapse);
            run_start = -1;
        }
        emit(&out, cp, i);
        prev_class = c;
        prev_single = single;
    }
    if (run_start >= 0) flush_run(&out, kind, chars, cls, run_start, length, collapse);
    PyObject *data_bytes = PyBytes_FromStringAndSize(data, out.n * width);
    PyObject *src_bytes = PyBytes_FromStringAndSize((const char *)src, out.n * (Py_ssize_t)sizeof(int32_t));
    if (data_bytes && src_bytes) result = PyTuple_Pack(2, data_bytes, src_bytes);
    Py_XDECREF(data_bytes);
    Py_XDECREF(src_bytes);
done:
    PyMem_Free(data);
    PyMem_Free(src);
    PyBuffer_Release(&cls_buf);
    PyBuffer_Release(&lut_buf);
    return result;
}

static PyMethodDef methods[] = {
    {"encode", encode, METH_VARARGS, "Normalize and encode a text; see the module comment."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_fastnorm", NULL, -1, methods};

PyMODINIT_FUNC PyInit__fastnorm(void) { return PyModule_Create(&module); }
