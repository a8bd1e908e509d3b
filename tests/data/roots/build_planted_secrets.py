"""Builds tests/data/roots/planted_secrets/: an offline Windows root with a secret planted in every form issue 8
lists, in logs, settings, .reg exports, archives (nested too), a NUL-padded log, recorded commands and file names.

Every secret holds the marker ``Pl4nt`` (``PL4NT`` where the format wants capitals), so a test can look for the
marker in any encoding instead of keeping a list; every file also holds error lines marked ``keepme-NN``, which
must still be in the bundle. The archives and the NUL-padded log are binary, so they are built here, the same
bytes every time: ``python tests/data/roots/build_planted_secrets.py`` after changing a source below.
"""

from __future__ import annotations

import base64
import bz2
import codecs
import gzip
import io
import lzma
import shutil
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent / "planted_secrets"
PD = ROOT / "ProgramData" / "Acronis"
T = "2024-05-12T22:00:{:02d}:205+02:00 9044"


def mms(lines: list[str], start: int = 0) -> str:
    return "".join(f"{T.format((start + i) % 60)} {line}\n" for i, line in enumerate(lines))


def basic(user: str, password: str) -> str:
    return base64.b64encode(f"{user}:{password}".encode()).decode()


JWT = ("eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJQbDRudDIwIiwibmFtZSI6ImFkbWluIn0."
       "Pl4nt21SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c")
PEM_BODY = ["MIIEowIBAAKCAQEAPl4nt22tFtlfx9h3NqsAeKcVL0CAPLuo3KDQjQLmq8wkj8ue",
            "y7cQa1lPl4nt23ZWqLmFe0xsTaO6cCcD4xqP0OqgPl4nt24dXp6vQJz0a8DwQmmo",
            "Pl4nt25Ck0tgkZbXpVqdmA4HnVbbKSl3c9gE7jG2yNIvaX0ZtYeeG9nLZq7g0w=="]
PEM = "-----BEGIN RSA PRIVATE KEY-----\n" + "\n".join(PEM_BODY) + "\n-----END RSA PRIVATE KEY-----\n"

MMS0 = mms([
    "I00640002: Backup started keepme-01",
    "I00000000: connecting with user=backup password=Pl4nt01,Tail1 host=nas01",
    "E00640003: Backup failed keepme-02",
    "I00000000: options: Password: \"Pl4nt02 correct horse battery staple\"",
    "I00000000: db: Server=sql01;User Id=sa;Password=Pl4nt03;Semi;Database=acronis",
    "W00000000: retrying keepme-03",
    "I00000000: running acrocmd backup disk --credentials=backupadmin,Pl4nt04 --loc=\\\\nas01\\backups",
    "I00000000: running acrocmd recover --password \"Pl4nt05 two words\" --loc=x",
    "I00000000: endpoint https://operator:Pl4nt06@eu2-cloud.acronis.com:443/api",
    "E01350016: Access denied keepme-04",
    "I00000000: cmd=register_agent -o register -t cloud -a https://eu2-cloud.acronis.com -u admin -p Pl4nt07",
    "I00000000: net use \\\\nas01\\backups /user:corp\\svc Pl4nt08 /persistent:no",
    "I00000000: schtasks /create /tn AcronisCheck /tr check.exe /ru admin /rp Pl4nt09 /sc daily",
    "I00000000: pre-command: mysqldump -u root -pPl4nt10 acronis > dump.sql",
    "E00000000: pre-command failed with exit code 2 keepme-05",
])
MMS0 += "I00000000: a very long line " + "A" * 30000 + " token=Pl4nt11 " + "B" * 2000 + "\n"
MMS0 += mms(["E00640003: after the long line keepme-06"])

MMS1_GZ = mms([
    "I00000000: uploading with AKIAPL4NT12ABCDEFGH9 to s3",
    f"I00000000: session {JWT} accepted",
    "E00000000: upload failed keepme-07",
])

MMS3_NUL = b"\0" * 8192 + mms([
    "I00000000: restarted after a power loss keepme-08",
    "I00000000: Cookie: lang=en; ASP.NET_SessionId=Pl4nt13; csrftoken=Pl4nt14",
    "E00000000: service crashed keepme-09",
    "I00000000: [db] pass = Pl4nt15 with blanks",
]).encode()

AAKORE = "".join([
    '{"level":"info","msg":"GET /api/1/agents","headers":{"Authorization":"Basic '
    + basic("svc", "Pl4nt16") + '"},"n":1}\n',
    '{"level":"error","msg":"request failed keepme-10","code":500}\n',
    '{"level":"info","msg":"login","user":"admin","pass":"Pl4nt17"}\n',
    '{"level":"info","msg":"GET https://acc.blob.core.windows.net/c/b?sv=2020-08-04&ss=b&sig=Pl4nt18%2Bxyz%3D'
    '&se=2024-05-13 HTTP/1.1"}\n',
    '{"level":"info","msg":"storage DefaultEndpointsProtocol=https;AccountName=acc;AccountKey=Pl4nt19+/AbCd==;'
    'EndpointSuffix=core.windows.net"}\n',
    '{"level":"error","msg":"storage unreachable keepme-11"}\n',
    '{"level":"debug","authorization":"Bearer Pl4nt26abcdefghijklmnopqrstuvwxyz0123"}\n',
])

ZIPPED_AGENT_LOG = mms([
    "I00000000: proxy_password: Pl4nt27",
    "E00000000: proxy refused keepme-12",
])
ZIPPED_GZ_LOG = mms(["I00000000: client_secret=Pl4nt28&grant_type=client_credentials", "E00000000: keepme-13"])
INNER_ZIP_LOG = mms(["I00000000: <password>Pl4nt29</password>", "E00000000: keepme-14"])
BZ2_LOG = mms(["I00000000: export BORG_PASSPHRASE=Pl4nt30", "E00000000: keepme-15"])
XZ_LOG = mms(["I00000000: curl -u admin:Pl4nt31 https://x/y", "E00000000: keepme-16"])
TAR_LOG = mms(["I00000000: sqlcmd -S db -U sa -P Pl4nt32", "E00000000: keepme-17"])

AAKORE_YAML = f"""\
http: 127.0.0.1:9999
env:
  http-proxy: proxyuser:Pl4nt33@proxy.example.test:3128
  ACRONIS_ENCRYPTION_PASSPHRASE: Pl4nt34
tls:
  private_key: |
{"".join("    " + line + chr(10) for line in PEM.splitlines())}\
log_level: debug  # keepme-18
"""

HTTP_PROXY_YAML = "https-proxy: 'login:Pl4nt35@p@ss@10.0.0.1:8080'\n# keepme-19\n"

BAR_CONFIG = """\
<?xml version="1.0" encoding="utf-8"?>
<registry name="BackupAndRecovery">
  <key name="Settings">
    <value name="ArchivePassPhrase" type="TString">"Pl4nt36 with blanks"</value>
    <value type="TString" name="ProxyPassword">Pl4nt37</value>
    <value name='EncryptedPassword' type='TBinary'>
      "Pl4nt38"
    </value>
    <value name="LogLevel" type="TDword">"keepme-20"</value>
    <password>Pl4nt39</password>
  </key>
</registry>
"""

MMS_CONFIG = """\
<configuration>
  <appSettings>
    <add key="DbPassword" value="Pl4nt40" />
    <add key="Comment" value="keepme-21" />
  </appSettings>
  <userSettings>
    <setting name="Password" serializeAs="String"><value>Pl4nt41</value></setting>
  </userSettings>
</configuration>
"""

API_GATEWAY = (
    '{\n  "listen": "0.0.0.0:9877",\n  "note": "keepme-22",\n  "auth": "Basic ' + basic("gw", "Pl4nt42") + '",\n'
    '  "client_secret": "Pl4nt43",\n'
    '  "tls": {"key": "' + PEM.replace("\n", "\\n") + '"}\n}\n'
)

REG_EXPORT = (
    "Windows Registry Editor Version 5.00\r\n\r\n"
    "[HKEY_LOCAL_MACHINE\\SOFTWARE\\Acronis\\BackupAndRecovery\\Settings]\r\n"
    '"Passphrase"="Pl4nt44 two words"\r\n'
    '"Password"=hex:50,6c,34,6e,74,34,35,00,01,15,d1,11,8c,7a,00,c0,4f,c2,97,eb,01,00,00,00,\\\r\n'
    "  50,6c,34,6e,74,34,35,aa,bb\r\n"
    '"Comment"="keepme-23"\r\n'
)

INSTALL_LOG = mms([
    "I00000000: MSI (s) Property(S): PASSWORD = Pl4nt46",
    "E00000000: Installation failed keepme-24",
    "I00000000: reg query output follows",
]) + "    ProxyPassword    REG_SZ    Pl4nt47 with blanks\r\n    Host    REG_SZ    keepme-25\r\n"

TIS = """\
<?xml version="1.0" encoding="utf-8"?>
<task id="3F2504E0-4F89-11D3-9A0C-0305E82C3301">
  <target><network_share user="corp\\backup" password="Pl4nt48" path="\\\\nas01\\ti"/></target>
  <comment>keepme-26</comment>
</task>
"""

RECORDED_INDEX = """\
{
  "captured": "2024-05-12T22:10:00+02:00",
  "hostname": "SRV-PLANTED",
  "os": "Microsoft Windows Server 2019 Standard 10.0.17763",
  "commands": [
    {
      "argv": [
        "register_agent",
        "-o",
        "register",
        "-p",
        "Pl4nt49"
      ],
      "stdout": "register_agent.txt",
      "returncode": 1
    },
    {
      "argv": ["reg", "query", "HKLM\\\\SOFTWARE\\\\Acronis\\\\Encryption", "--password=Pl4nt50"],
      "stdout": "reg_query_encryption.txt",
      "returncode": 0
    }
  ]
}
"""
RECORDED_REGISTER = "Registration failed: E01350016 keepme-27\nUsing token=Pl4nt51\n"
RECORDED_REG = ("\r\nHKEY_LOCAL_MACHINE\\SOFTWARE\\Acronis\\Encryption\r\n"
                "    Password    REG_SZ    Pl4nt52 two words\r\n    Algorithm    REG_SZ    AES256 keepme-28\r\n")


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2024, 5, 12, 22, 0, 0)), data)
    return out.getvalue()


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def _tar_gz(members: dict[str, bytes]) -> bytes:
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = 1715544000
            tf.addfile(info, io.BytesIO(data))
    return _gzip(raw.getvalue())


def build() -> None:
    if ROOT.exists():
        shutil.rmtree(ROOT)
    files: dict[Path, bytes] = {
        PD / "BackupAndRecovery/MMS/mms.0.log": MMS0.encode(),
        PD / "BackupAndRecovery/MMS/mms.1.log.gz": _gzip(MMS1_GZ.encode()),
        PD / "BackupAndRecovery/MMS/mms.3.log": MMS3_NUL,
        PD / "Agent/var/log/aakore/aakore.log": AAKORE.encode(),
        PD / "Agent/var/log/aakore/old_logs.zip": _zip({
            "agent/agent.0.log": ZIPPED_AGENT_LOG.encode(),
            "agent/rotated.log.gz": _gzip(ZIPPED_GZ_LOG.encode()),
            "nested/inner.zip": _zip({"deep/mms.log": INNER_ZIP_LOG.encode()}),
            "password=Pl4nt53.txt": b"keepme-29\n",
        }),
        PD / "Agent/var/log/aakore/aakore.1.log.bz2": bz2.compress(BZ2_LOG.encode()),
        PD / "Agent/var/log/aakore/aakore.2.log.xz": lzma.compress(XZ_LOG.encode()),
        PD / "Agent/var/log/aakore/support.tar.gz": _tar_gz({
            "support/sql.log": TAR_LOG.encode(),
            "support/token=Pl4nt54.log": b"keepme-30\n",
        }),
        PD / "Agent/var/log/aakore/password=Pl4nt55.log": mms(["E00000000: named after a secret keepme-31"]).encode(),
        PD / "Agent/etc/aakore.yaml": AAKORE_YAML.encode(),
        PD / "Agent/var/aakore/http-proxy.yaml": HTTP_PROXY_YAML.encode(),
        PD / "BackupAndRecovery/BackupAndRecovery.config": BAR_CONFIG.encode(),
        PD / "BackupAndRecovery/MMS/MMS.config": MMS_CONFIG.encode(),
        PD / "ApiGateway/api_gateway.json": API_GATEWAY.encode(),
        PD / "InstallationLogs/acronis_settings.reg": codecs.BOM_UTF16_LE + REG_EXPORT.encode("utf-16-le"),
        PD / "InstallationLogs/AB_installer_2024-05-12.log": INSTALL_LOG.encode(),
        PD / "TrueImageHome/Scripts/3F2504E0-4F89-11D3-9A0C-0305E82C3301.tib.tis": TIS.encode(),
        ROOT / "_recorded/index.json": RECORDED_INDEX.encode(),
        ROOT / "_recorded/register_agent.txt": RECORDED_REGISTER.encode(),
        ROOT / "_recorded/reg_query_encryption.txt": RECORDED_REG.encode(),
    }
    for path, data in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


if __name__ == "__main__":
    build()
