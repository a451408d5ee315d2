"""The dashboard's helpers, beside the pages in ``app_pages/``: session state (:mod:`.state`),
persistence in the store (:mod:`.persist`), the pipeline as the pages see it (:mod:`.data`),
figures (:mod:`.figures`), plain words (:mod:`.words`), network selection (:mod:`.selection`),
filters (:mod:`.filters`) and shared page parts (:mod:`.ui`)."""
