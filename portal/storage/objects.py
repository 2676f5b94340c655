"""The object-store boundary: S3-compatible storage through boto3 (AWS S3, MinIO, Garage,
moto's server in the tests). Objects are named `blobs/<sha256>`; every failure to reach the
store or to write is StorageUnavailable, so callers have one thing to handle."""

from dataclasses import dataclass

PREFIX = "blobs/"


@dataclass
class ObjectStore:
    client: object
    bucket: str

    @classmethod
    def from_config(cls, config) -> "ObjectStore":
        import boto3
        from botocore.config import Config

        client = boto3.client(
            "s3",
            endpoint_url=config.get("STORAGE_S3_ENDPOINT_URL") or None,
            region_name=config.get("STORAGE_S3_REGION") or "us-east-1",
            # None: boto3's own chain (AWS_ACCESS_KEY_ID..., an instance role).
            aws_access_key_id=config.get("STORAGE_S3_ACCESS_KEY_ID") or None,
            aws_secret_access_key=config.get("STORAGE_S3_SECRET_ACCESS_KEY") or None,
            config=Config(
                connect_timeout=float(config.get("STORAGE_S3_TIMEOUT_SECONDS", 5)),
                read_timeout=float(config.get("STORAGE_S3_TIMEOUT_SECONDS", 5)) * 4,
                retries={"max_attempts": 2, "mode": "standard"},
                s3={"addressing_style": "path"},
            ),
        )
        return cls(client=client, bucket=config["STORAGE_S3_BUCKET"])

    def put(self, sha256: str, content: bytes) -> None:
        import base64
        import hashlib

        md5 = base64.b64encode(hashlib.md5(content, usedforsecurity=False).digest()).decode()
        self._call(
            "put_object",
            Bucket=self.bucket,
            Key=PREFIX + sha256,
            Body=content,
            ContentMD5=md5,  # the store refuses bytes damaged on the way
            ContentType="application/octet-stream",
        )

    def check(self) -> None:
        """The bucket answers (/readyz): StorageUnavailable otherwise."""
        self._call("head_bucket", Bucket=self.bucket)

    def get(self, sha256: str) -> bytes:
        response = self._call("get_object", Bucket=self.bucket, Key=PREFIX + sha256)
        try:
            return response["Body"].read()
        except Exception as error:  # a connection broken mid-body
            raise _unavailable(error) from error

    def _call(self, operation: str, **arguments):
        try:
            return getattr(self.client, operation)(**arguments)
        except Exception as error:
            raise _unavailable(error) from error


def _unavailable(error: Exception):
    from portal.storage import StorageUnavailable

    return StorageUnavailable(f"{type(error).__name__}: {error}")
