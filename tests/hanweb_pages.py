"""Hanweb (大汉) jpage and TRS column pages as the real templates write them, for crawl fixtures."""

from __future__ import annotations

JPAGE_JS = '<script language="javascript" src="/module/jslib/jquery/jpage/jquery.jpage.js"></script>'


def jpage_column(column_id: str, records: list[tuple[str, str, str]], *, total: int | None = None,
                 proxy_params: bool = True) -> str:
    """A Hanweb jpage column body: datastore records in a text/xml script, the jpage call with its
    data-proxy parameters. `records` are (href, title, date); `total` defaults to len(records)."""
    rows = "".join(
        f'<record><![CDATA[<li><a href="{href}" title="{title}" target="_blank">{title}</a>'
        f'<span class="bt-data-time">{day}</span></li>]]></record>'
        for href, title, day in records
    )
    count = len(records) if total is None else total
    params = (f"ajaxParam:{{col:1,appid:1,webid:2,path:'/',columnid:{column_id},sourceContentType:1,"
              f"unitid:'56{column_id}',webname:'示例县人民政府',permissiontype:0}}," if proxy_params else "")
    return f"""<div class="main-right"><div class="bt-list" id="{column_id}">
<script type="text/xml"><datastore>
<nextgroup><![CDATA[<a href="/module/web/jpage/dataproxy.jsp?page=1&appid=1&webid=2&path=/&columnid={column_id}&unitid=56{column_id}&webname=%E7%A4%BA%E4%BE%8B&permissiontype=0"></a>]]></nextgroup>
<recordset>{rows}</recordset></datastore></script></div>
{JPAGE_JS}
<script type="text/javascript">
var totalRecord_{column_id} = {count};
$(document).ready(function(){{ $('#{column_id}').jpage({{ dataStore: dataStore, perPage: 15, totalRecord: {count},
 proxyUrl: '/module/web/jpage/dataproxy.jsp', {params} groupSize: 3, barPosition: 'bottom' }}); }});
jpageInit("{column_id}", 15, {count});
</script></div>"""


def jpage_scripted_column(column_id: str) -> str:
    """A jpage column whose page ships no records at all: the script asks the data proxy for them."""
    return f"""<div class="bt-list" id="{column_id}"></div>{JPAGE_JS}
<script type="text/javascript">
$(document).ready(function(){{ $('#{column_id}').jpage({{ perPage: 15, proxyUrl: '/module/web/jpage/dataproxy.jsp',
 ajaxParam: {{col:1,appid:1,webid:2,path:'/',columnid:{column_id},sourceContentType:1,unitid:'56{column_id}',
 webname:'示例县人民政府',permissiontype:0}} }}); }});
</script>"""


def dataproxy_answer(records: list[tuple[str, str, str]]) -> str:
    """What /module/web/jpage/dataproxy.jsp answers: a bare datastore of CDATA records."""
    rows = "".join(
        f'<record><![CDATA[<li><a href="{href}" target="_blank">{title}</a><span>{day}</span></li>]]></record>'
        for href, title, day in records
    )
    return f"<datastore><totalrecord>{len(records)}</totalrecord><recordset>{rows}</recordset></datastore>"


def content_page(heading: str, paragraphs: list[str], *, with_jpage: bool = True, shown: str = "") -> str:
    """A column that is one article (领导信息, 机构职能): heading and paragraphs, the template's jpage.js."""
    body = "".join(f"<p>{text}</p>" for text in paragraphs)
    date = f'<div class="info">发布时间：{shown}</div>' if shown else ""
    return f'<div class="article"><h1>{heading}</h1>{date}<div class="content">{body}</div></div>' + (
        JPAGE_JS if with_jpage else "")
