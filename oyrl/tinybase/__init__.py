"""The tiny CPU base model: a corpus of dialogues written by the response grammar
(``corpus.py``), a tokenizer trained on it and a small chat transformer supervised on it
(``build.py``), built once and cached (``docs/tiny_base.md``)."""

from oyrl.tinybase.build import TinyBaseRecipe, build_tiny_base, default_dir

__all__ = ["TinyBaseRecipe", "build_tiny_base", "default_dir"]
