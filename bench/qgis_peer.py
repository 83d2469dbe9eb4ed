"""QGIS 3 peer of ``python -m geo annex``: the same layer, one process per run, as a planner would script it.

Run by ``bench/export.py`` with the system Python that has PyQGIS (Debian ``python3-qgis``), headless
(``QT_QPA_PLATFORM=offscreen``)::

    python3 bench/qgis_peer.py COMMUNES.gpkg DISTRICTS.gpkg OUT_DIR pdf|atlas|png|all

The commune layer (a ``poor_rate`` column) gets a graduated renderer (5 quantile classes,
YlOrRd), and an A4 portrait layout with a title, the map, a legend and a scale bar, as QGIS users make it.
``pdf``: that page as PDF; ``png``: at 300 dpi; ``atlas``: one page per district (the district layer is the
coverage); ``all``: the three in one process. Prints the seconds taken inside the process.
"""

import sys
import time

T0 = time.perf_counter()

from qgis.core import (  # noqa: E402
    QgsApplication, QgsGraduatedSymbolRenderer, QgsLayoutExporter, QgsLayoutItemLabel, QgsLayoutItemLegend,
    QgsLayoutItemMap, QgsLayoutItemScaleBar, QgsLayoutPoint, QgsLayoutSize, QgsPrintLayout, QgsProject,
    QgsStyle, QgsUnitTypes, QgsVectorLayer, QgsClassificationQuantile,
)


def layout(project, communes, districts=None):
    lay = QgsPrintLayout(project)
    lay.initializeDefaults()  # one A4 page
    page = lay.pageCollection().page(0)
    page.setPageSize("A4", page.Portrait)
    title = QgsLayoutItemLabel(lay)
    title.setText("Tỷ lệ hộ nghèo các xã tỉnh Lạng Sơn")
    title.attemptMove(QgsLayoutPoint(15, 10, QgsUnitTypes.LayoutMillimeters))
    title.attemptResize(QgsLayoutSize(180, 12, QgsUnitTypes.LayoutMillimeters))
    lay.addLayoutItem(title)
    m = QgsLayoutItemMap(lay)
    m.attemptMove(QgsLayoutPoint(15, 25, QgsUnitTypes.LayoutMillimeters))
    m.attemptResize(QgsLayoutSize(180, 190, QgsUnitTypes.LayoutMillimeters))
    m.setLayers([communes])
    m.setExtent(communes.extent())
    m.setFrameEnabled(True)
    lay.addLayoutItem(m)
    legend = QgsLayoutItemLegend(lay)
    legend.setLinkedMap(m)
    legend.attemptMove(QgsLayoutPoint(15, 220, QgsUnitTypes.LayoutMillimeters))
    lay.addLayoutItem(legend)
    bar = QgsLayoutItemScaleBar(lay)
    bar.setStyle("Single Box")
    bar.setLinkedMap(m)
    bar.applyDefaultSize()
    bar.attemptMove(QgsLayoutPoint(140, 260, QgsUnitTypes.LayoutMillimeters))
    lay.addLayoutItem(bar)
    if districts is not None:
        atlas = lay.atlas()
        atlas.setCoverageLayer(districts)
        atlas.setEnabled(True)
        m.setAtlasDriven(True)
        m.setAtlasMargin(0.05)
    return lay


def main():
    communes_path, districts_path, out, what = sys.argv[1:5]
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    communes = QgsVectorLayer(communes_path, "communes", "ogr")
    districts = QgsVectorLayer(districts_path, "districts", "ogr")
    assert communes.isValid() and districts.isValid()
    renderer = QgsGraduatedSymbolRenderer("poor_rate")
    renderer.setClassificationMethod(QgsClassificationQuantile())
    renderer.updateClasses(communes, 5)
    renderer.updateColorRamp(QgsStyle.defaultStyle().colorRamp("YlOrRd"))
    communes.setRenderer(renderer)
    project.addMapLayers([communes, districts])
    settings_pdf = QgsLayoutExporter.PdfExportSettings()
    if what in ("pdf", "all"):
        lay = layout(project, communes)  # kept referenced: the exporter does not own it
        assert QgsLayoutExporter(lay).exportToPdf(f"{out}/qgis.pdf", settings_pdf) == 0
    if what in ("png", "all"):
        img = QgsLayoutExporter.ImageExportSettings()
        img.dpi = 300
        lay = layout(project, communes)
        assert QgsLayoutExporter(lay).exportToImage(f"{out}/qgis.png", img) == 0
    if what in ("atlas", "all"):
        lay = layout(project, communes, districts)
        result = QgsLayoutExporter.exportToPdf(lay.atlas(), f"{out}/qgis_atlas.pdf", settings_pdf)
        assert result[0] == 0, result
    app.exitQgis()
    print(f"{time.perf_counter() - T0:.2f}")


if __name__ == "__main__":
    main()
