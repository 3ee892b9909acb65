"""Everything in models/ that does not run in a worker: training, pre-training and fine-tuning,
evaluation (quality, functional suite, bias metrics), model cards and the `suhu train|evaluate`
commands. The runtime scorer (the modules at the top of models/) never imports from here
(tests/unit/test_module_structure.py).
"""
