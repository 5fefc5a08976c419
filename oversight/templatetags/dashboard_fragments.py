"""{% cached_fragment board "name" %}...{% endcached_fragment %}: a piece of the dashboard drawn from `board` (its
tables, its chart data), cached under the board's key and build time (oversight.dashboard.cache.fragment_key).

Django's {% cache %} would take the same key, but it lets a cache error through and the page fails with it; here,
as for the board, a cache that does not answer only costs the rendering."""
from django import template

from oversight.dashboard import cache as board_cache

register = template.Library()


class CachedFragmentNode(template.Node):
    def __init__(self, nodelist, board, name):
        self.nodelist = nodelist
        self.board = board
        self.name = name

    def render(self, context):
        key = board_cache.fragment_key(self.board.resolve(context), self.name.resolve(context))
        if not key:
            return self.nodelist.render(context)
        found = board_cache.read(key)
        if isinstance(found, str):
            return found  # what the template engine rendered: a SafeString, pickled as one
        html = self.nodelist.render(context)
        if found is None:  # not when the cache did not answer: asking again would wait out its timeout again
            board_cache.write(key, html)
        return html


@register.tag
def cached_fragment(parser, token):
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a board and a fragment name.")
    nodelist = parser.parse(("endcached_fragment",))
    parser.delete_first_token()
    return CachedFragmentNode(nodelist, parser.compile_filter(bits[1]), parser.compile_filter(bits[2]))
