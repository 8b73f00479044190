"""Coordinates of the UN/LOCODE locations ProcureFlow's demo and tests use.

UN/LOCODE (UNECE Recommendation 16) gives each location a five-letter code — country
(ISO 3166-1) plus three letters — and, in its code list's "Coordinates" column, latitude
and longitude in degrees and minutes (``5333N 00958E``). The table below keeps that
notation, one entry per location, at the city or port centre to the nearest minute:
precise to about 2 km, plenty for freight planning distances. Add a row to use another
location, or give the lane an explicit distance.
"""

from __future__ import annotations

import re

from procureflow.errors import InvalidInput

# code: (UN/LOCODE coordinates, name)
_TABLE: dict[str, tuple[str, str]] = {
    "DEHAM": ("5333N 00958E", "Hamburg"),
    "DEBRV": ("5333N 00835E", "Bremerhaven"),
    "DEBRE": ("5305N 00848E", "Bremen"),
    "DEFRA": ("5007N 00841E", "Frankfurt am Main"),
    "DEMUC": ("4808N 01134E", "Munich"),
    "DESTR": ("4846N 00911E", "Stuttgart"),
    "DEDUS": ("5114N 00647E", "Düsseldorf"),
    "NLRTM": ("5155N 00430E", "Rotterdam"),
    "BEANR": ("5113N 00425E", "Antwerp"),
    "PLGDN": ("5421N 01839E", "Gdańsk"),
    "PLWAW": ("5215N 02100E", "Warsaw"),
    "PLPOZ": ("5225N 01655E", "Poznań"),
    "CZPRG": ("5005N 01426E", "Prague"),
    "ATVIE": ("4812N 01622E", "Vienna"),
    "ITMIL": ("4528N 00911E", "Milan"),
    "ITGOA": ("4425N 00855E", "Genoa"),
    "FRPAR": ("4851N 00221E", "Paris"),
    "FRLEH": ("4930N 00006E", "Le Havre"),
    "FRLYS": ("4545N 00451E", "Lyon"),
    "ESBCN": ("4123N 00211E", "Barcelona"),
    "ESVLC": ("3928N 00022W", "Valencia"),
    "GBFXT": ("5158N 00121E", "Felixstowe"),
    "GBBHM": ("5229N 00154W", "Birmingham"),
    "SEGOT": ("5742N 01158E", "Gothenburg"),
    "TRIST": ("4101N 02858E", "Istanbul"),
    "MAPTM": ("3553N 00530W", "Tanger Med"),
    "AEJEA": ("2500N 05503E", "Jebel Ali"),
    "ZADUR": ("2952S 03102E", "Durban"),
    "CNSHA": ("3114N 12129E", "Shanghai"),
    "CNPVG": ("3109N 12148E", "Shanghai Pudong airport"),
    "CNNGB": ("2952N 12133E", "Ningbo"),
    "CNSZX": ("2232N 11403E", "Shenzhen"),
    "HKHKG": ("2218N 11410E", "Hong Kong"),
    "TWKHH": ("2237N 12018E", "Kaohsiung"),
    "KRPUS": ("3506N 12903E", "Busan"),
    "JPTYO": ("3541N 13945E", "Tokyo"),
    "JPYOK": ("3527N 13938E", "Yokohama"),
    "SGSIN": ("0117N 10351E", "Singapore"),
    "MYPKG": ("0300N 10124E", "Port Klang"),
    "VNSGN": ("1045N 10640E", "Ho Chi Minh City"),
    "INNSA": ("1857N 07257E", "Nhava Sheva"),
    "INBOM": ("1858N 07250E", "Mumbai"),
    "INMAA": ("1305N 08017E", "Chennai"),
    "USNYC": ("4042N 07400W", "New York"),
    "USSAV": ("3205N 08106W", "Savannah"),
    "USCHI": ("4152N 08737W", "Chicago"),
    "USHOU": ("2945N 09522W", "Houston"),
    "USLAX": ("3403N 11815W", "Los Angeles"),
    "CAMTR": ("4530N 07334W", "Montreal"),
    "MXMEX": ("1926N 09908W", "Mexico City"),
    "MXMTY": ("2540N 10018W", "Monterrey"),
    "MXVER": ("1912N 09608W", "Veracruz"),
    "BRSSZ": ("2357S 04620W", "Santos"),
    "BRSAO": ("2332S 04637W", "São Paulo"),
}

_COORD = re.compile(r"^(\d{2})(\d{2})([NS]) (\d{3})(\d{2})([EW])$")


def parse_locode_coordinates(text: str) -> tuple[float, float]:
    """``"5333N 00958E"`` → (53.55, 9.9667) in decimal degrees, as UN/LOCODE writes them."""
    match = _COORD.match(text.strip())
    if not match:
        raise InvalidInput(f"not UN/LOCODE coordinates (ddmmN dddmmE): {text!r}")
    lat_d, lat_m, ns, lon_d, lon_m, ew = match.groups()
    lat = int(lat_d) + int(lat_m) / 60
    lon = int(lon_d) + int(lon_m) / 60
    return (-lat if ns == "S" else lat, -lon if ew == "W" else lon)


def coordinates(locode: str) -> tuple[float, float]:
    """Latitude and longitude of a known UN/LOCODE; an unknown code is a clear error."""
    code = locode.replace(" ", "").upper()
    try:
        text, _name = _TABLE[code]
    except KeyError:
        raise InvalidInput(
            f"no coordinates for UN/LOCODE {locode!r}; give the lane a distance_km"
        ) from None
    return parse_locode_coordinates(text)


def has_coordinates(locode: str) -> bool:
    """True when the table holds coordinates for ``locode``."""
    return locode.replace(" ", "").upper() in _TABLE


def known_locodes() -> list[str]:
    """Every code with coordinates, sorted."""
    return sorted(_TABLE)


def location_name(locode: str) -> str:
    """The place name of a known code, or the code itself."""
    entry = _TABLE.get(locode.replace(" ", "").upper())
    return entry[1] if entry else locode


__all__ = [
    "coordinates",
    "has_coordinates",
    "known_locodes",
    "location_name",
    "parse_locode_coordinates",
]
