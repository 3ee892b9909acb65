"""The runtime: the Faust application and its stages, the checkpoint that owns the commit order,
changelog buffers, recovery, metrics, and the one module of faust-streaming work-arounds.

Stages are small objects from a batch to its outputs over the core (streams/core); the app wires
them to topics and nothing else.
"""
