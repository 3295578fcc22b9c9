"""`firstcontact import_postcodes FILE`: ONS Postcode Directory and OS Code-Point Open layouts
(small files written here in their real column layouts), and proximity from the centroids."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import CommandError, call_command

from firstcontact.directory.geo import bounding_box, haversine_m, osgb_to_wgs84
from firstcontact.directory.models import Postcode

# ONSPD's header (the columns up to `long`, then a few after it, as in the real file).
ONSPD_HEADER = (
    "pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,osward,parish,usertype,oseast1m,osnrth1m,"
    "osgrdind,oshlthau,nhser,ctry,rgn,streg,pcon,eer,teclec,ttwa,pct,itl,statsward,oa01,"
    "casward,npark,lsoa01,msoa01,ur01ind,oac01,oa11,lsoa11,msoa11,wz11,sicbl,bua24,ru11ind,"
    "oac11,lat,long,lep1,lep2,pfa,imd,calncv,icb,oa21,lsoa21,msoa21"
)


def onspd_row(pcd: str, pcds: str, lat: str, lon: str, doterm: str = "") -> str:
    cells = {name: "" for name in ONSPD_HEADER.split(",")}
    cells.update(pcd=pcd, pcd2=pcds, pcds=pcds, dointr="198001", doterm=doterm, lat=lat, long=lon)
    return ",".join(f'"{v}"' for v in cells.values())


def load(path) -> str:
    out = io.StringIO()
    call_command("import_postcodes", str(path), "--no-progress", stdout=out)
    return out.getvalue()


def test_onspd(db, tmp_path):
    path = tmp_path / "ONSPD_FEB_2026_UK.csv"
    path.write_text(
        "\n".join(
            [
                ONSPD_HEADER,
                onspd_row("WX1 1AA", "WX1 1AA", "50.800000", "-1.750000"),
                onspd_row("WX1 2AB", "WX1 2AB", "50.810100", "-1.751200", doterm="201906"),
                # No grid reference: ONSPD's 99.999999 and 0.000000.
                onspd_row("WX9 9ZZ", "WX9 9ZZ", "99.999999", "0.000000"),
            ]
        )
        + "\n"
    )
    out = load(path)
    assert "Loaded 2 postcodes (ONS Postcode Directory); skipped 1." in out
    live = Postcode.objects.get(postcode="WX1 1AA")
    assert (live.latitude, live.longitude, live.terminated) == (50.8, -1.75, None)
    assert Postcode.objects.get(postcode="WX1 2AB").terminated == dt.date(2019, 6, 1)
    # Loading a newer file updates, never duplicates.
    path.write_text(ONSPD_HEADER + "\n" + onspd_row("WX1 1AA", "WX1 1AA", "50.9", "-1.7") + "\n")
    load(path)
    assert Postcode.objects.count() == 2
    assert Postcode.objects.get(postcode="WX1 1AA").latitude == 50.9


def test_code_point_open(db, tmp_path):
    # No header: Postcode, Positional_quality_indicator, Eastings, Northings, Country_code,
    # NHS_regional_HA_code, NHS_HA_code, Admin_county_code, Admin_district_code,
    # Admin_ward_code. Code-Point writes postcodes in 7 characters.
    path = tmp_path / "nr.csv"
    path.write_text(
        '"NR295DL",10,651409,313177,"E92000001","E19000001","E18000007","E10000020",'
        '"E07000145","E05005790"\n'
        '"SW1A2AA",10,530047,179951,"E92000001","E19000003","E18000007","","E09000033",'
        '"E05013806"\n'
        '"ZZ9 9ZZ",90,0,0,"","","","","",""\n'
    )
    out = load(path)
    assert "Loaded 2 postcodes (OS Code-Point Open); skipped 1." in out
    # Caister-on-Sea's water tower, the Ordnance Survey's worked example (OSGB36 grid
    # 651409.903, 313177.270: WGS84 about 52.65798 N, 1.71605 E).
    caister = Postcode.objects.get(postcode="NR29 5DL")
    assert caister.latitude == pytest.approx(52.65797, abs=0.0001)
    assert caister.longitude == pytest.approx(1.71605, abs=0.0001)
    # 10 Downing Street: 51.50354 N, 0.12768 W.
    downing = Postcode.objects.get(postcode="SW1A 2AA")
    assert haversine_m(downing.latitude, downing.longitude, 51.50354, -0.12768) < 50


def test_files_that_are_neither_layout_are_refused(db, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("name,address\nA,B\n")
    with pytest.raises(CommandError, match="neither an ONS Postcode Directory"):
        load(path)
    with pytest.raises(CommandError, match="Cannot open"):
        load(tmp_path / "missing.csv")
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(CommandError, match="is empty"):
        load(tmp_path / "empty.csv")


def test_osgb_conversion_is_vectorised_and_ordered():
    points = osgb_to_wgs84([(651409.903, 313177.270), (530047, 169885)])
    assert points[0][0] > points[1][0]  # Norfolk is north of Westminster
    assert osgb_to_wgs84([]) == []


def test_bounding_box_holds_the_circle():
    lat, lon = 50.8, -1.75
    south, north, west, east = bounding_box(lat, lon, 5000)
    assert haversine_m(lat, lon, north, lon) == pytest.approx(5000, rel=1e-6)
    assert haversine_m(lat, lon, south, lon) == pytest.approx(5000, rel=1e-6)
    # East and west edges lie at least 5 km away, at every latitude the box spans.
    for edge_lat in (south, lat, north):
        assert haversine_m(lat, lon, edge_lat, east) >= 5000 - 1
