"""Tiny random causal LMs saved as model folders (Llama, Qwen2, Qwen3), for guard-judge tests:
the whole path (load, prompt, batch, generate, parse) runs for real in a second. Skips the
calling test when torch or transformers is absent."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

# "safe" is id 0: a model whose last hidden state is zero scores every token 0 and greedy
# decoding picks id 0, so it answers "safe" to anything (a parseable answer, for sure).
WORDS = [
    "safe", "unsafe", "S1", "S10", ",", ":", "Safety", "Safe", "Unsafe", "Categories",
    "Violent", "[", "]", "答案", "安全", "不安全", "User", "Agent", "user", "assistant",
    "A", "B", "how", "to", "bake", "bread", "make", "poison",
]  # fmt: skip
SPECIAL = [
    "<|begin_of_text|>", "<|eot_id|>", "<|start_header_id|>", "<|end_header_id|>",
    "<|im_start|>", "<|im_end|>",
]  # fmt: skip
CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n"
    "{% endfor %}<|im_start|>assistant\n"
)


def tiny_model(folder: Path, kind: str, *, zero_head: bool = False, first: str = WORDS[0]) -> Path:
    """A tiny random model; with ``zero_head`` it writes only ``first`` (token id 0)."""
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from tokenizers import Tokenizer, models, pre_tokenizers

    vocab = {w: i for i, w in enumerate([first, *WORDS[1:], *SPECIAL, "[UNK]", "[PAD]"])}
    core = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    tokenizer = transformers.PreTrainedTokenizerFast(
        tokenizer_object=core,
        unk_token="[UNK]",
        pad_token="[PAD]",
        eos_token="<|im_end|>" if kind != "llama" else "<|eot_id|>",
        bos_token="<|begin_of_text|>" if kind == "llama" else None,
        additional_special_tokens=SPECIAL,
    )
    if kind == "qwen3":
        tokenizer.chat_template = CHAT_TEMPLATE
    sizes: dict[str, Any] = {
        "vocab_size": len(vocab),
        "hidden_size": 16,
        "intermediate_size": 32,
        "num_hidden_layers": 2,
        "num_attention_heads": 2,
        "num_key_value_heads": 1,
        "max_position_embeddings": 1024,
        "initializer_range": 1.0,  # large logits: greedy choices far from ties
        "eos_token_id": tokenizer.eos_token_id,
        "pad_token_id": tokenizer.pad_token_id,
    }
    torch.manual_seed(7)
    config, model_class = {
        "llama": (transformers.LlamaConfig, transformers.LlamaForCausalLM),
        "qwen2": (transformers.Qwen2Config, transformers.Qwen2ForCausalLM),
        "qwen3": (transformers.Qwen3Config, transformers.Qwen3ForCausalLM),
    }[kind]
    model = model_class(config(**sizes))
    if zero_head:
        with torch.no_grad():
            model.model.norm.weight.zero_()
    tokenizer.save_pretrained(folder)
    model.save_pretrained(folder)
    return folder
