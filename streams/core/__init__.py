"""The pure core: plain Python that knows nothing of Kafka, Faust or HTTP.

The post contract, regions and their inference, election calendars, event-time windows and
watermarks, aggregation, thresholds, the alert state machine and the regional engine, the stored
records and their codecs, claim matching and the coordination detector. The worker
(streams/runtime), `suhu backtest` and the tests all run exactly this code.
"""
