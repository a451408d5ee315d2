"""The metrics: pure functions from resolved interactions and people to numbers about each tie.

``cadence`` (rhythm and status), ``circles`` (layers and roles), ``ties`` (tie strength),
``balance`` (in person versus on screens), ``reciprocity`` (who starts contact), ``outside``
(valuable ties outside the intimate circle), ``graph`` (the ego network and its communities),
``layout`` (positions for the network picture). :mod:`analysis.engine` runs them in order.
"""
