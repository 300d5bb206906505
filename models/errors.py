"""The error raised when a model cannot be loaded, naming the package that provides it."""


class ModelUnavailableError(RuntimeError):
    """A model is missing, damaged or would need the network; the message says how to get it."""
