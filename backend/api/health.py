"""``/api/health``: a trivial public endpoint for load balancers (and the benchmark's baseline)."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from .guard import public

blp = Blueprint("health", __name__, url_prefix="/api/health", description="Liveness.")


class HealthSchema(Schema):
    status = fields.String()


@blp.route("")
class Health(MethodView):
    @public
    @blp.response(200, HealthSchema)
    def get(self) -> dict[str, str]:
        return {"status": "ok"}
