"""Tiny random DistilBERT in Hugging Face DistilBertModel layout + WordPiece tokenizer fixtures.

Regenerate (from the repository root):

    /usr/bin/python3 tools/reference/bert_tiny.py

Writes nn/src/test/resources/fixtures/distilbert-tiny/:
  config.json            HF DistilBertConfig: model_type distilbert, dim 32, n_layers 2, n_heads 4,
                         hidden_dim 64, max_position_embeddings 64, vocab_size = len(vocab.txt),
                         activation "gelu" (exact erf GELU), sinusoidal_pos_embds false, pad_token_id 0,
                         all dropouts 0.0. (HF hard-codes LayerNorm eps = 1e-12 in DistilBERT; it is
                         not a config key.)
  vocab.txt              WordPiece vocabulary, one token per line, id = line number (0-based):
                         [PAD]=0 [UNK]=1 [CLS]=2 [SEP]=3 [MASK]=4, punctuation, digits, letters,
                         ##-continuations, English and German ECG words and word pieces, a few
                         non-ASCII pieces (ä, ##ä, ##ü, ...)
  tokenizer_config.json  do_lower_case false (cased), tokenize_chinese_chars true, strip_accents null
  model.safetensors      DistilBertModel state dict (no prefix), nn.Linear layout [out, in]:
                           embeddings.word_embeddings.weight [V, 32] (row 0 = [PAD] is zero, as HF's
                             padding_idx init leaves it), embeddings.position_embeddings.weight [64, 32],
                           embeddings.LayerNorm.weight/bias [32],
                           transformer.layer.{i}.attention.{q_lin,k_lin,v_lin,out_lin}.weight [32, 32] / .bias [32],
                           transformer.layer.{i}.sa_layer_norm.weight/bias [32],
                           transformer.layer.{i}.ffn.lin1.weight [64, 32] / .bias [64],
                           transformer.layer.{i}.ffn.lin2.weight [32, 64] / .bias [32],
                           transformer.layer.{i}.output_layer_norm.weight/bias [32]
  expected.safetensors   ids [2, 12] (I64; row 0: [CLS] 10 random tokens [SEP]; row 1: [CLS] 6 random
                         tokens [SEP] then 4 x [PAD]=0), mask [2, 12] (I64, 1 real / 0 pad),
                         last_hidden [2, 12, 32], cls [2, 32] (= last_hidden[:, 0]);
                         text_ids [2, L] / text_mask [2, L] (I64): the two sentences of expected.json,
                         right-padded with 0, text_last_hidden [2, L, 32], text_cls [2, 32]
  expected.json          {"sentences": [...], "tokens": [[...]], "ids": [[...]]} -- BERT basic + WordPiece
                         tokenization (cased) including [CLS] ... [SEP], no truncation

Weights (seed 7): HF init with a larger std so attention is not uniform: N(0, 0.1) for every Linear
weight and both embeddings (word row 0 zeroed), biases N(0, 0.02), LayerNorm weight 1 + N(0, 0.1),
bias N(0, 0.1).

Forward (HF modeling_distilbert, written out; float32):
  x = LN_emb(word[ids] + pos[0..T-1])                                  (eps 1e-12)
  per layer: q = q_lin(x) / sqrt(8); k = k_lin(x); v = v_lin(x)  (4 heads of 8)
             s = q k^T; s[..., key j] = finfo(float32).min where mask[j] == 0; softmax; @ v; out_lin
             x = sa_layer_norm(x + attn);  x = output_layer_norm(x + lin2(gelu(lin1(x))))  (eps 1e-12)
  last_hidden = x (no final LayerNorm); cls = x[:, 0]
Also writes nn/src/test/resources/fixtures/bert-tiny/ (classic BERT, HF BertForMaskedLM-style keys):
  config.json            HF BertConfig: model_type bert, hidden_size 32, num_hidden_layers 2,
                         num_attention_heads 4, intermediate_size 64, max_position_embeddings 64,
                         type_vocab_size 2, layer_norm_eps 1e-12, hidden_act "gelu", dropouts 0.0
  vocab.txt, tokenizer_config.json   as above
  model.safetensors      keys with the "bert." prefix: bert.embeddings.{word,position,token_type}_embeddings,
                         bert.embeddings.LayerNorm, bert.encoder.layer.{i}.attention.self.{query,key,value},
                         .attention.output.{dense,LayerNorm}, .intermediate.dense, .output.{dense,LayerNorm};
                         plus bert.pooler.dense.* and a head cls.predictions.bias (both to be ignored)
  expected.safetensors   ids, token_type_ids, mask [2, 10] (I64; row 1 padded after 7 tokens; row 0 has
                         segment 1 from position 5), last_hidden [2, 10, 32], cls [2, 32];
                         last_hidden_notypes (all token types 0); text_ids / text_mask / text_cls as above
  Forward (HF modeling_bert): x = LN(word[ids] + pos + type[types]); per layer
     s = q k^T / sqrt(8) + (1 - mask) * finfo.min; x = LN(x + dense(softmax(s) v));
     x = LN(x + out.dense(gelu(intermediate.dense(x))))   (post-LN, eps 1e-12, exact GELU)
  Weights (seed 11) drawn as for DistilBERT.

Tokenizer (HF BertTokenizer, do_lower_case=False): NFC normalize; drop NUL, U+FFFD and control
characters, map whitespace to ' '; put spaces around CJK characters; split on whitespace; split
every punctuation character (ASCII 33-47, 58-64, 91-96, 123-126 or Unicode category P*) into its own
token; then WordPiece greedy longest-match-first with '##' continuations; a word with no complete
segmentation (or longer than 100 chars) becomes a single [UNK].
"""
import json
import math
import os
import sys
import unicodedata

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import st  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
OUT_DIR = os.path.join(ROOT, "nn", "src", "test", "resources", "fixtures", "distilbert-tiny")
BERT_OUT_DIR = os.path.join(ROOT, "nn", "src", "test", "resources", "fixtures", "bert-tiny")

SPECIALS = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
WORDS = """
Sinus rhythm rhythmus with without left Left right Right axis deviation possible probable anterior
inferior lateral septal posterior in ##far ##ction ##farct age undetermined normal Normal abnormal
borderline ECG EKG heart rate block bundle branch atrial ventricular fibrillation flutter hypertrophy
ischemia ischemic T wave waves inversion inverted prolonged PR QT QRS ST interval intervals sinus
brady ##cardia tachy myocardial old recent acute lead leads V I II III aVR aVL aVF
the of and or no not is at on to ms bpm mV
Links ##typ Lage ##typ Sen ##kung Hebung Herz ##frequenz Rhythmus Sinus ##rhythmus normal ##es ##er
##en ##e ##n ##s ##ed ##ing ##ly ##al ##ic ##ia ##ion un ##auff ##ä ##llig ##ü ##ö ##ß ä ö ü
Linksschenkel ##block Rechts ##schenkel Vorhof ##flimmern Extra ##systolen ##systole ventrikul ##äre
supra Q ##RS Zacken Repolarisation ##s ##störung ##störungen möglich Infarkt Vorder ##wand Hinter
Seiten periphere Niedervoltage P ##Q Ver ##längerung AV Block Grad
""".split()


def build_vocab():
    vocab = list(SPECIALS)
    punct = [chr(c) for c in list(range(33, 48)) + list(range(58, 65)) + list(range(91, 97)) + list(range(123, 127))]
    vocab += punct
    vocab += [str(d) for d in range(10)] + ["##" + str(d) for d in range(10)]
    vocab += ["10", "12", "120", "##0", "##00"]
    vocab += [chr(c) for c in range(ord("a"), ord("z") + 1)] + [chr(c) for c in range(ord("A"), ord("Z") + 1)]
    vocab += ["##" + chr(c) for c in range(ord("a"), ord("z") + 1)]
    seen = set()
    out = []
    for t in vocab + WORDS:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


# ------------------------------------------------------------------ tokenizer (HF BertTokenizer, cased)
def _is_whitespace(ch):
    if ch in (" ", "\t", "\n", "\r"):
        return True
    return unicodedata.category(ch) == "Zs"


def _is_control(ch):
    if ch in ("\t", "\n", "\r"):
        return False
    return unicodedata.category(ch).startswith("C")


def _is_punctuation(ch):
    cp = ord(ch)
    if (33 <= cp <= 47) or (58 <= cp <= 64) or (91 <= cp <= 96) or (123 <= cp <= 126):
        return True
    return unicodedata.category(ch).startswith("P")


def _is_cjk(cp):
    return ((0x4E00 <= cp <= 0x9FFF) or (0x3400 <= cp <= 0x4DBF) or (0x20000 <= cp <= 0x2A6DF)
            or (0x2A700 <= cp <= 0x2B73F) or (0x2B740 <= cp <= 0x2B81F) or (0x2B820 <= cp <= 0x2CEAF)
            or (0xF900 <= cp <= 0xFAFF) or (0x2F800 <= cp <= 0x2FA1F))


def basic_tokenize(text):
    text = unicodedata.normalize("NFC", text)
    out = []
    for ch in text:
        cp = ord(ch)
        if cp == 0 or cp == 0xFFFD or _is_control(ch):
            continue
        if _is_whitespace(ch):
            out.append(" ")
        elif _is_cjk(cp):
            out.append(" " + ch + " ")
        else:
            out.append(ch)
    tokens = []
    for word in "".join(out).split():
        cur = ""
        for ch in word:
            if _is_punctuation(ch):
                if cur:
                    tokens.append(cur)
                    cur = ""
                tokens.append(ch)
            else:
                cur += ch
        if cur:
            tokens.append(cur)
    return tokens


def wordpiece(word, vocab_set, unk="[UNK]", max_chars=100):
    if len(word) > max_chars:
        return [unk]
    pieces = []
    start = 0
    while start < len(word):
        end = len(word)
        cur = None
        while start < end:
            sub = word[start:end]
            if start > 0:
                sub = "##" + sub
            if sub in vocab_set:
                cur = sub
                break
            end -= 1
        if cur is None:
            return [unk]
        pieces.append(cur)
        start = end
    return pieces


def tokenize(text, vocab):
    vs = set(vocab)
    toks = ["[CLS]"]
    for w in basic_tokenize(text):
        toks += wordpiece(w, vs)
    toks.append("[SEP]")
    idx = {t: i for i, t in enumerate(vocab)}
    return toks, [idx[t] for t in toks]


# ------------------------------------------------------------------ model
def init_params(V, d=32, L=2, hidden=64, P=64, seed=7):
    g = torch.Generator().manual_seed(seed)

    def n(*shape, s=0.1):
        return torch.randn(*shape, generator=g) * s

    def ln(name):
        p[name + ".weight"] = 1 + n(d, s=0.1)
        p[name + ".bias"] = n(d, s=0.1)

    p = {}
    w = n(V, d)
    w[0] = 0.0
    p["embeddings.word_embeddings.weight"] = w
    p["embeddings.position_embeddings.weight"] = n(P, d)
    ln("embeddings.LayerNorm")
    for i in range(L):
        pre = "transformer.layer.%d." % i
        for lin in ("q_lin", "k_lin", "v_lin", "out_lin"):
            p[pre + "attention.%s.weight" % lin] = n(d, d)
            p[pre + "attention.%s.bias" % lin] = n(d, s=0.02)
        ln(pre + "sa_layer_norm")
        p[pre + "ffn.lin1.weight"] = n(hidden, d)
        p[pre + "ffn.lin1.bias"] = n(hidden, s=0.02)
        p[pre + "ffn.lin2.weight"] = n(d, hidden)
        p[pre + "ffn.lin2.bias"] = n(d, s=0.02)
        ln(pre + "output_layer_norm")
    return p


def distilbert_forward(p, ids, mask, n_layers=2, n_heads=4, eps=1e-12):
    B, T = ids.shape
    x = p["embeddings.word_embeddings.weight"][ids] + p["embeddings.position_embeddings.weight"][torch.arange(T)]
    d = x.shape[-1]
    x = F.layer_norm(x, (d,), p["embeddings.LayerNorm.weight"], p["embeddings.LayerNorm.bias"], eps)
    hd = d // n_heads

    def lin(t, name):
        return F.linear(t, p[name + ".weight"], p[name + ".bias"])

    def shape(t):
        return t.view(B, -1, n_heads, hd).transpose(1, 2)

    masked = (mask == 0).view(B, 1, 1, T)
    for i in range(n_layers):
        pre = "transformer.layer.%d." % i
        q = shape(lin(x, pre + "attention.q_lin")) / math.sqrt(hd)
        k = shape(lin(x, pre + "attention.k_lin"))
        v = shape(lin(x, pre + "attention.v_lin"))
        s = torch.matmul(q, k.transpose(2, 3))
        s = s.masked_fill(masked.expand_as(s), torch.tensor(torch.finfo(s.dtype).min, dtype=s.dtype))
        w = torch.softmax(s, dim=-1)
        ctx = torch.matmul(w, v).transpose(1, 2).contiguous().view(B, -1, d)
        sa = lin(ctx, pre + "attention.out_lin")
        x = F.layer_norm(sa + x, (d,), p[pre + "sa_layer_norm.weight"], p[pre + "sa_layer_norm.bias"], eps)
        f = lin(F.gelu(lin(x, pre + "ffn.lin1")), pre + "ffn.lin2")
        x = F.layer_norm(f + x, (d,), p[pre + "output_layer_norm.weight"], p[pre + "output_layer_norm.bias"], eps)
    return x


# ------------------------------------------------------------------ classic BERT
def init_bert_params(V, d=32, L=2, hidden=64, P=64, types=2, seed=11):
    g = torch.Generator().manual_seed(seed)

    def n(*shape, s=0.1):
        return torch.randn(*shape, generator=g) * s

    def ln(name):
        p[name + ".weight"] = 1 + n(d, s=0.1)
        p[name + ".bias"] = n(d, s=0.1)

    def lin(name, o, i):
        p[name + ".weight"] = n(o, i)
        p[name + ".bias"] = n(o, s=0.02)

    p = {}
    w = n(V, d)
    w[0] = 0.0
    p["embeddings.word_embeddings.weight"] = w
    p["embeddings.position_embeddings.weight"] = n(P, d)
    p["embeddings.token_type_embeddings.weight"] = n(types, d)
    ln("embeddings.LayerNorm")
    for i in range(L):
        pre = "encoder.layer.%d." % i
        for nm in ("query", "key", "value"):
            lin(pre + "attention.self." + nm, d, d)
        lin(pre + "attention.output.dense", d, d)
        ln(pre + "attention.output.LayerNorm")
        lin(pre + "intermediate.dense", hidden, d)
        lin(pre + "output.dense", d, hidden)
        ln(pre + "output.LayerNorm")
    lin("pooler.dense", d, d)
    return p


def bert_forward(p, ids, types, mask, n_layers=2, n_heads=4, eps=1e-12):
    B, T = ids.shape
    x = (p["embeddings.word_embeddings.weight"][ids] + p["embeddings.position_embeddings.weight"][torch.arange(T)]
         + p["embeddings.token_type_embeddings.weight"][types])
    d = x.shape[-1]
    x = F.layer_norm(x, (d,), p["embeddings.LayerNorm.weight"], p["embeddings.LayerNorm.bias"], eps)
    hd = d // n_heads

    def lin(t, name):
        return F.linear(t, p[name + ".weight"], p[name + ".bias"])

    def shape(t):
        return t.view(B, -1, n_heads, hd).permute(0, 2, 1, 3)

    ext = (1.0 - mask.to(x.dtype)).view(B, 1, 1, T) * torch.finfo(x.dtype).min
    for i in range(n_layers):
        pre = "encoder.layer.%d." % i
        q = shape(lin(x, pre + "attention.self.query"))
        k = shape(lin(x, pre + "attention.self.key"))
        v = shape(lin(x, pre + "attention.self.value"))
        s = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(hd) + ext
        ctx = torch.matmul(torch.softmax(s, dim=-1), v).permute(0, 2, 1, 3).contiguous().view(B, T, d)
        a = lin(ctx, pre + "attention.output.dense")
        x = F.layer_norm(a + x, (d,), p[pre + "attention.output.LayerNorm.weight"], p[pre + "attention.output.LayerNorm.bias"], eps)
        f = lin(F.gelu(lin(x, pre + "intermediate.dense")), pre + "output.dense")
        x = F.layer_norm(f + x, (d,), p[pre + "output.LayerNorm.weight"], p[pre + "output.LayerNorm.bias"], eps)
    return x


def write_bert(vocab, tok_cfg, tids):
    os.makedirs(BERT_OUT_DIR, exist_ok=True)
    V = len(vocab)
    with open(os.path.join(BERT_OUT_DIR, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    cfg = {
        "architectures": ["BertForMaskedLM"],
        "attention_probs_dropout_prob": 0.0,
        "hidden_act": "gelu",
        "hidden_dropout_prob": 0.0,
        "hidden_size": 32,
        "initializer_range": 0.02,
        "intermediate_size": 64,
        "layer_norm_eps": 1e-12,
        "max_position_embeddings": 64,
        "model_type": "bert",
        "num_attention_heads": 4,
        "num_hidden_layers": 2,
        "pad_token_id": 0,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
        "transformers_version": "4.30.2",
        "type_vocab_size": 2,
        "vocab_size": V,
    }
    with open(os.path.join(BERT_OUT_DIR, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    with open(os.path.join(BERT_OUT_DIR, "tokenizer_config.json"), "w") as f:
        json.dump(dict(tok_cfg, tokenizer_class="BertTokenizer"), f, indent=2)
        f.write("\n")
    p = init_bert_params(V)
    saved = {"bert." + k: v for k, v in p.items()}
    saved["cls.predictions.bias"] = torch.zeros(V)  # an MLM head tensor: the loader must ignore it
    st.save(os.path.join(BERT_OUT_DIR, "model.safetensors"), saved, {"format": "pt"}, sort_keys=True)

    torch.manual_seed(2025)
    ids = torch.zeros(2, 10, dtype=torch.int64)
    mask = torch.zeros(2, 10, dtype=torch.int64)
    types = torch.zeros(2, 10, dtype=torch.int64)
    for r, n_real in enumerate((10, 7)):
        ids[r, 0] = 2
        ids[r, 1:n_real - 1] = torch.randint(5, V, (n_real - 2,))
        ids[r, n_real - 1] = 3
        mask[r, :n_real] = 1
    ids[0, 4] = 3  # [CLS] a a a [SEP] b b b b [SEP]
    types[0, 5:] = 1
    E = {"ids": ids, "token_type_ids": types, "mask": mask}
    with torch.no_grad():
        h = bert_forward(p, ids, types, mask)
        E["last_hidden"] = h
        E["cls"] = h[:, 0].contiguous()
        E["last_hidden_notypes"] = bert_forward(p, ids, torch.zeros_like(types), mask)
        L = max(len(i) for i in tids)
        t_ids = torch.zeros(2, L, dtype=torch.int64)
        t_mask = torch.zeros(2, L, dtype=torch.int64)
        for r, i in enumerate(tids):
            t_ids[r, :len(i)] = torch.tensor(i)
            t_mask[r, :len(i)] = 1
        th = bert_forward(p, t_ids, torch.zeros_like(t_ids), t_mask)
        E["text_ids"] = t_ids
        E["text_mask"] = t_mask
        E["text_cls"] = th[:, 0].contiguous()
        p64 = {k: v.double() for k, v in p.items()}
        diff = (bert_forward(p64, ids, types, mask).float() - h).abs().max().item()
        print("bert float64 check: max |diff| %.2e" % diff)
        assert diff < 1e-4
        ids2 = ids.clone()
        ids2[1, 7:] = 17
        assert torch.allclose(bert_forward(p, ids2, types, mask)[1, :7], h[1, :7], atol=1e-6)
    st.save(os.path.join(BERT_OUT_DIR, "expected.safetensors"), E,
            {"generator": "tools/reference/bert_tiny.py", "torch": torch.__version__})
    for fn in sorted(os.listdir(BERT_OUT_DIR)):
        print("bert-tiny/%-24s %8d bytes" % (fn, os.path.getsize(os.path.join(BERT_OUT_DIR, fn))))


SENTENCES = [
    "Sinus rhythm with left axis deviation; possible anterior infarction (age undetermined), QRS 120ms.",
    "Sinusrhythmus, Linkstyp. ST-Senkung in V5-V6. Überleitung unauffällig; Herzfrequenz 72 bpm.",
]


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    vocab = build_vocab()
    V = len(vocab)
    with open(os.path.join(OUT_DIR, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")
    cfg = {
        "activation": "gelu",
        "architectures": ["DistilBertModel"],
        "attention_dropout": 0.0,
        "dim": 32,
        "dropout": 0.0,
        "hidden_dim": 64,
        "initializer_range": 0.02,
        "max_position_embeddings": 64,
        "model_type": "distilbert",
        "n_heads": 4,
        "n_layers": 2,
        "pad_token_id": 0,
        "qa_dropout": 0.0,
        "seq_classif_dropout": 0.0,
        "sinusoidal_pos_embds": False,
        "tie_weights_": True,
        "torch_dtype": "float32",
        "transformers_version": "4.30.2",
        "vocab_size": V,
    }
    with open(os.path.join(OUT_DIR, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
        f.write("\n")
    tok_cfg = {
        "cls_token": "[CLS]",
        "do_basic_tokenize": True,
        "do_lower_case": False,
        "mask_token": "[MASK]",
        "model_max_length": 64,
        "never_split": None,
        "pad_token": "[PAD]",
        "sep_token": "[SEP]",
        "strip_accents": None,
        "tokenize_chinese_chars": True,
        "tokenizer_class": "DistilBertTokenizer",
        "unk_token": "[UNK]",
    }
    with open(os.path.join(OUT_DIR, "tokenizer_config.json"), "w") as f:
        json.dump(tok_cfg, f, indent=2)
        f.write("\n")

    p = init_params(V)
    st.save(os.path.join(OUT_DIR, "model.safetensors"), p, {"format": "pt"}, sort_keys=True)

    # ---- tokenizer expectations
    toks, tids = zip(*[tokenize(s, vocab) for s in SENTENCES])
    with open(os.path.join(OUT_DIR, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({"sentences": SENTENCES, "tokens": [list(t) for t in toks], "ids": [list(i) for i in tids]},
                  f, indent=1, ensure_ascii=False)
        f.write("\n")
    for t in toks:
        print(" ".join(t))
    assert "[UNK]" in toks[1]  # 'Überleitung' has no segmentation (no 'Ü' in the vocab)

    # ---- model expectations
    torch.manual_seed(2024)
    ids = torch.zeros(2, 12, dtype=torch.int64)
    mask = torch.zeros(2, 12, dtype=torch.int64)
    for r, n_real in enumerate((12, 8)):
        ids[r, 0] = 2
        ids[r, 1:n_real - 1] = torch.randint(5, V, (n_real - 2,))
        ids[r, n_real - 1] = 3
        mask[r, :n_real] = 1
    E = {"ids": ids, "mask": mask}
    with torch.no_grad():
        h = distilbert_forward(p, ids, mask)
        E["last_hidden"] = h
        E["cls"] = h[:, 0].contiguous()
        L = max(len(i) for i in tids)
        t_ids = torch.zeros(2, L, dtype=torch.int64)
        t_mask = torch.zeros(2, L, dtype=torch.int64)
        for r, i in enumerate(tids):
            t_ids[r, :len(i)] = torch.tensor(i)
            t_mask[r, :len(i)] = 1
        th = distilbert_forward(p, t_ids, t_mask)
        E["text_ids"] = t_ids
        E["text_mask"] = t_mask
        E["text_last_hidden"] = th
        E["text_cls"] = th[:, 0].contiguous()
        # float64 cross-check
        p64 = {k: v.double() for k, v in p.items()}
        h64 = distilbert_forward(p64, ids, mask)
        diff = (h64.float() - h).abs().max().item()
        print("float64 check: max |diff| %.2e" % diff)
        assert diff < 1e-4
        # masking check: the real tokens of row 1 do not depend on what the pad ids are
        ids2 = ids.clone()
        ids2[1, 8:] = 17
        assert torch.allclose(distilbert_forward(p, ids2, mask)[1, :8], h[1, :8], atol=1e-6)
    st.save(os.path.join(OUT_DIR, "expected.safetensors"), E,
            {"generator": "tools/reference/bert_tiny.py", "torch": torch.__version__})
    for fn in sorted(os.listdir(OUT_DIR)):
        print("%-24s %8d bytes" % (fn, os.path.getsize(os.path.join(OUT_DIR, fn))))
    print("vocab size", V)
    write_bert(vocab, tok_cfg, tids)


if __name__ == "__main__":
    main()
