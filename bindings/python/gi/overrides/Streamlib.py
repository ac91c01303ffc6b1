# Streamlib.py: PyGObject overrides for streamlib
#
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Pythonic helpers on top of the introspected Streamlib API.

PyGObject loads this module by itself when a program does
``from gi.repository import Streamlib``. Everything the plain API offers is
unchanged; these are additions:

``with runtime:``
    starts the runtime on entry; on exit drains it
    (``Streamlib.StopMode.DRAIN``), or stops it at once
    (``Streamlib.StopMode.IMMEDIATE``) if the block raised.

``runtime.set(node, name, value)``
    sets a node property, converting ``value`` to the property's own type
    (an ``int`` for a ``double`` or an ``int64`` property, an enum member, or a
    string parsed as the launch syntax would). ``runtime.get(node, name)``
    reads it back (the live value if the processor runs, else the graph's).

``runtime.link_stats()`` / ``runtime.link_stats(link)``
    a dict of link id to :class:`LinkStats` tuple for every link of the
    graph, or the tuple of one link.

``class MyProcessor(Streamlib.Processor)``
    ``do_setup``, ``do_process`` and ``do_teardown`` may return nothing
    (success). An exception raised there fails the processor with a
    ``GLib.Error`` carrying the exception's type, text and place (PyGObject
    alone would only print it, and the runtime would report a failure
    "without saying why"); a ``GLib.Error`` raised there is passed on as is.

``for sample in input_port:``
    pops every frame queued on an input port (until ``pop()`` returns
    ``None``); use it inside ``do_process``.

``link_stats.pushed`` etc.
    a ``Streamlib.LinkStats`` boxed value has read-only attributes for its
    counters and ``as_tuple()``.

Uninstalled, PyGObject finds this file if a directory that contains
``gi/overrides/Streamlib.py`` (and no ``gi/__init__.py``) is on ``sys.path``
(for instance through ``PYTHONPATH``) before ``gi`` is imported:
``gi.overrides`` extends its ``__path__`` with every ``gi/overrides``
directory on ``sys.path`` (``pkgutil.extend_path``).
"""

import collections
import functools
import os
import traceback

from gi.repository import GLib, GObject

from ..module import get_introspection_module
from ..overrides import override

Streamlib = get_introspection_module('Streamlib')

__all__ = []


LinkStatsTuple = collections.namedtuple(
    'LinkStats', ['pushed', 'popped', 'dropped', 'queued', 'high_water', 'capacity', 'policy'])
LinkStatsTuple.__doc__ = """The counters of one link, a plain tuple.

pushed == popped + dropped + queued always holds."""
__all__.append('LinkStatsTuple')


class LinkStats(Streamlib.LinkStats):
    pushed = property(lambda self: self.get_pushed(), doc='Frames pushed into the link')
    popped = property(lambda self: self.get_popped(), doc='Frames popped out of the link')
    dropped = property(lambda self: self.get_dropped(), doc='Frames dropped by the overflow policy')
    queued = property(lambda self: self.get_queued(), doc='Frames waiting in the link')
    high_water = property(lambda self: self.get_high_water(), doc='Most frames ever queued')
    capacity = property(lambda self: self.get_capacity(), doc='Capacity of the link')
    policy = property(lambda self: self.get_policy(), doc='Overflow policy of the link')

    def as_tuple(self):
        """The counters as a :class:`LinkStatsTuple`."""
        return LinkStatsTuple(self.get_pushed(), self.get_popped(), self.get_dropped(),
                              self.get_queued(), self.get_high_water(), self.get_capacity(),
                              self.get_policy())

    def __repr__(self):
        return '<Streamlib.LinkStats %r>' % (self.as_tuple(),)


LinkStats = override(LinkStats)
__all__.append('LinkStats')


def _find_pspec(runtime, node, name):
    factory = runtime.get_graph().get_node_factory(node)
    gtype = runtime.get_registry().lookup(factory) if factory is not None else GObject.TYPE_INVALID
    if gtype == GObject.TYPE_INVALID:
        return None
    canonical = name.replace('_', '-')
    for pspec in GObject.list_properties(gtype):
        if pspec.name == canonical:
            return pspec
    return None


class Runtime(Streamlib.Runtime):
    def __enter__(self):
        """Starts the runtime; the ``with`` block then runs while it plays."""
        self.start()
        return self

    def __exit__(self, exc_type, exc_value, exc_traceback):
        """Drains the runtime (stops it at once if the block raised)."""
        mode = Streamlib.StopMode.DRAIN if exc_type is None else Streamlib.StopMode.IMMEDIATE
        self.stop(mode)
        return False

    def set(self, node, name, value):
        """Sets the property ``name`` of ``node``, converting ``value``.

        A ``str`` for a property that is not a string is parsed as the launch
        syntax does (``set_node_property_from_string``); any other value is
        converted to the property's type. Raises ``GLib.Error`` (unknown
        node or property, a value out of range) and changes nothing then.
        """
        pspec = _find_pspec(self, node, name)
        if pspec is None or isinstance(value, GObject.Value):
            # As is: the library converts it or says what is wrong (unknown
            # node or property, a value of another type).
            return self.set_node_property(node, name, value)
        if isinstance(value, str) and pspec.value_type != GObject.TYPE_STRING:
            return self.set_node_property_from_string(node, pspec.name, value)
        gvalue = GObject.Value(pspec.value_type, value)
        try:
            return self.set_node_property(node, pspec.name, gvalue)
        finally:
            gvalue.unset()

    def get(self, node, name):
        """The value of ``node``'s property ``name``: the running processor's,
        else the one in the graph (its default if never set)."""
        processor = self.get_processor(node)
        if processor is not None:
            return processor.get_property(name)
        ok, value = self.get_graph().get_node_property(node, name)
        return value

    def link_stats(self, link=None):
        """Counters of the graph's links.

        Without an argument, a dict mapping every link id of the graph to its
        :class:`LinkStatsTuple` (a link that never ran counts zeros); with a
        link id, that link's tuple (``GLib.Error`` if there is no such link).
        """
        if link is not None:
            return self.get_link_stats(link).as_tuple()
        return {link_id: self.get_link_stats(link_id).as_tuple()
                for link_id in self.get_graph().list_links()}


Runtime = override(Runtime)
__all__.append('Runtime')


def _wrap_vfunc(func):
    """Makes a processor virtual function return True for None, and turn an
    exception into a GLib.Error that carries its text."""
    @functools.wraps(func)
    def wrapper(self, *args):
        try:
            result = func(self, *args)
        except GLib.Error:
            raise
        except Exception as e:
            where = ''
            frames = traceback.extract_tb(e.__traceback__)
            if len(frames) > 1:
                last = frames[-1]
                where = ' (%s:%d in %s)' % (os.path.basename(last.filename), last.lineno, last.name)
            raise GLib.Error.new_literal(Streamlib.error_quark(),
                                         '%s: %s%s' % (type(e).__name__, e, where),
                                         int(Streamlib.Error.FAILED)) from e
        return True if result is None else result
    wrapper._sl_wrapped = True
    return wrapper


class Processor(Streamlib.Processor):
    def __init_subclass__(cls, **kwargs):
        # Runs before PyGObject hooks up the do_* virtual functions.
        super().__init_subclass__(**kwargs)
        for name in ('do_setup', 'do_process', 'do_teardown'):
            func = cls.__dict__.get(name)
            if callable(func) and not getattr(func, '_sl_wrapped', False):
                setattr(cls, name, _wrap_vfunc(func))


Processor = override(Processor)
__all__.append('Processor')


class InputPort(Streamlib.InputPort):
    def __iter__(self):
        """Pops the frames queued on the port, oldest first, until it is
        empty (it does not wait for more)."""
        while True:
            sample = self.pop()
            if sample is None:
                return
            yield sample


InputPort = override(InputPort)
__all__.append('InputPort')
