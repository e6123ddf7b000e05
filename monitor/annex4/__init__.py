"""附件4 (市(州)政府办公室(厅)监管工作开展情况) from imported data.

Three inputs a supervisor imports — the "我为政府网站找错" platform's message export, the list of
required reposts, the annual assessment ranking — are read here (one module each), stored through the
store, and turned into the annex's rows per 市(州) by `monitor/report/annex4.py`. The 合格率均达100% row
comes from the quarter's findings and needs no import.
"""
